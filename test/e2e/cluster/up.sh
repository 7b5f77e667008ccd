#!/usr/bin/env bash
# Starts a throwaway Kubernetes API server (etcd + kube-apiserver, no nodes) on
# 127.0.0.1 with certificates made by openssl, waits for /readyz, installs the
# CRDs of sdk/crds and MetalLB's own CRDs (Go module cache) and starts kube-controller-manager with the garbage
# collector and namespace controllers only (so foreground deletion, which the
# Kubernetes provider uses, completes as on a real cluster). Everything lives in DIR; tear it down with down.sh DIR.
#
#   test/e2e/cluster/up.sh DIR [--owner-pid PID] [--listen-address ADDR] [--service-range CIDRS]
#
# --listen-address: the address kube-apiserver listens on and the kubeconfig
# names (default 127.0.0.1); e.g. a lab bridge's address that network
# namespaces can reach.
# --service-range: kube-apiserver's --service-cluster-ip-range (default
# 198.51.100.0/24; one CIDR per family, comma-separated, for dual-stack).
#
# DIR must be empty or absent. On success the last line of stdout is
# KUBECONFIG=DIR/kubeconfig. With --owner-pid, a watchdog tears the cluster
# down once PID has exited (so a killed test run leaves nothing behind). If
# start-up fails the logs are printed and the cluster is torn down.
# The binaries come from test/e2e/tools/build.sh (run it first).
set -Eeuo pipefail

cluster_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_dir=$(cd "$cluster_dir/../../.." && pwd)

usage() {
  echo "usage: $0 DIR [--owner-pid PID] [--listen-address ADDR] [--service-range CIDRS]" >&2
  exit 2
}
[[ $# -ge 1 ]] || usage
dir=$1
shift
owner_pid=
listen_address=127.0.0.1
service_range=198.51.100.0/24
while [[ $# -gt 0 ]]; do
  case $1 in
    --owner-pid) [[ $# -ge 2 ]] || usage; owner_pid=$2; shift 2 ;;
    --listen-address) [[ $# -ge 2 ]] || usage; listen_address=$2; shift 2 ;;
    --service-range) [[ $# -ge 2 ]] || usage; service_range=$2; shift 2 ;;
    *) usage ;;
  esac
done
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
if [[ -n $(ls -A "$dir") ]]; then
  echo "up.sh: $dir is not empty" >&2
  exit 2
fi

declare -A tool
while IFS='=' read -r name path; do tool[$name]=$path; done < <("$repo_dir/test/e2e/tools/build.sh" --print-paths)
for name in etcd kube-apiserver kube-controller-manager kubectl; do
  [[ -x ${tool[$name]} ]] || {
    echo "up.sh: ${tool[$name]} is missing; run test/e2e/tools/build.sh first" >&2
    exit 1
  }
done

started=$(date +%s%N)

fail() {
  echo "up.sh: $1" >&2
  for log in "$dir"/*.log; do
    [[ -f $log ]] || continue
    echo "---- last lines of $log" >&2
    tail -n 20 "$log" >&2
  done
  "$cluster_dir/down.sh" "$dir" >&2
  exit 1
}
trap 'fail "start-up failed at line $LINENO"' ERR

# free_port: a TCP port nobody listens on at 127.0.0.1.
free_port() {
  local port
  for _ in $(seq 1 100); do
    port=$((20000 + RANDOM % 12000))
    if [[ -z $(ss -Htln "sport = :$port") ]]; then
      echo "$port"
      return 0
    fi
  done
  return 1
}

etcd_client_port=$(free_port)
etcd_peer_port=$(free_port)
api_port=$(free_port)
[[ $etcd_client_port != "$etcd_peer_port" && $etcd_client_port != "$api_port" && $etcd_peer_port != "$api_port" ]] ||
  fail "port collision, run again"

pki="$dir/pki"
mkdir -p "$pki"
ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
openssl req -x509 "${ec[@]}" -keyout "$pki/ca.key" -out "$pki/ca.crt" -days 2 -subj "/CN=bgplb-e2e-ca" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
# sign NAME SUBJECT EXTENSIONS: a leaf certificate signed by the CA.
sign() {
  openssl req "${ec[@]}" -keyout "$pki/$1.key" -out "$pki/$1.csr" -subj "$2" 2>/dev/null
  openssl x509 -req -in "$pki/$1.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -set_serial "0x$(openssl rand -hex 8)" \
    -days 2 -out "$pki/$1.crt" -extfile <(printf '%s\n' "$3" "keyUsage=critical,digitalSignature") 2>/dev/null
}
sign apiserver "/CN=kube-apiserver" "subjectAltName=IP:127.0.0.1,IP:$listen_address,DNS:localhost"$'\n'"extendedKeyUsage=serverAuth"
sign admin "/O=system:masters/CN=bgplb-e2e-admin" "extendedKeyUsage=clientAuth"
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$pki/service-account.key" 2>/dev/null
openssl pkey -in "$pki/service-account.key" -pubout -out "$pki/service-account.pub"

# start NAME COMMAND...: runs COMMAND in its own session, logging to DIR/NAME.log.
start() {
  local name=$1
  shift
  setsid "$@" >"$dir/$name.log" 2>&1 </dev/null &
  echo $! >"$dir/$name.pid"
}

etcd_url="http://127.0.0.1:$etcd_client_port"
peer_url="http://127.0.0.1:$etcd_peer_port"
start etcd "${tool[etcd]}" --name e2e --data-dir "$dir/etcd" \
  --listen-client-urls "$etcd_url" --advertise-client-urls "$etcd_url" \
  --listen-peer-urls "$peer_url" --initial-advertise-peer-urls "$peer_url" \
  --initial-cluster "e2e=$peer_url" --unsafe-no-fsync --log-level warn

# The service range is a documentation or benchmarking prefix: nothing is ever sent to it.
start kube-apiserver "${tool[kube-apiserver]}" \
  --etcd-servers "$etcd_url" \
  --bind-address "$listen_address" --advertise-address "$listen_address" --secure-port "$api_port" \
  --cert-dir "$pki" --tls-cert-file "$pki/apiserver.crt" --tls-private-key-file "$pki/apiserver.key" \
  --client-ca-file "$pki/ca.crt" \
  --service-account-issuer https://kubernetes.default.svc \
  --service-account-key-file "$pki/service-account.pub" \
  --service-account-signing-key-file "$pki/service-account.key" \
  --service-cluster-ip-range "$service_range" \
  --authorization-mode RBAC --endpoint-reconciler-type none \
  --enable-priority-and-fairness=false --profiling=false

kubeconfig="$dir/kubeconfig"
cat >"$kubeconfig.tmp" <<EOF
apiVersion: v1
kind: Config
clusters:
  - name: e2e
    cluster:
      server: https://$listen_address:$api_port
      certificate-authority: $pki/ca.crt
users:
  - name: admin
    user:
      client-certificate: $pki/admin.crt
      client-key: $pki/admin.key
contexts:
  - name: e2e
    context:
      cluster: e2e
      user: admin
current-context: e2e
EOF
mv "$kubeconfig.tmp" "$kubeconfig"

if [[ -n $owner_pid ]]; then
  setsid bash -c 'while kill -0 "$1" 2>/dev/null && [[ -e "$2/kube-apiserver.pid" ]]; do sleep 2; done
                  [[ -e "$2/kube-apiserver.pid" ]] && exec "$3" "$2"' \
    watchdog "$owner_pid" "$dir" "$cluster_dir/down.sh" >/dev/null 2>&1 </dev/null &
fi

kubectl=("${tool[kubectl]}" --kubeconfig "$kubeconfig")
ready=
for _ in $(seq 1 300); do
  for name in etcd kube-apiserver; do
    kill -0 "$(cat "$dir/$name.pid")" 2>/dev/null || fail "$name exited during start-up"
  done
  if [[ $("${kubectl[@]}" --request-timeout 2s get --raw /readyz 2>/dev/null || true) == ok ]]; then
    ready=1
    break
  fi
  sleep 0.2
done
[[ -n $ready ]] || fail "kube-apiserver not ready after 60s"
ready_ms=$((($(date +%s%N) - started) / 1000000))

"${kubectl[@]}" apply --server-side -f "$repo_dir/sdk/crds/" >"$dir/crds.log"
# MetalLB's own CRDs, from the Go module cache (bgplb generates CRDs only for the GKE kinds)
if [[ -d ${tool[metallb-crds]:-} ]]; then
  "${kubectl[@]}" apply --server-side -f "${tool[metallb-crds]}" >>"$dir/crds.log"
else
  echo "MetalLB's CRDs are not in the module cache (${tool[metallb-crds]:-unknown}); run test/e2e/tools/build.sh metallb-controller" >>"$dir/crds.log"
fi
"${kubectl[@]}" wait --for condition=Established crd --all --timeout 60s >>"$dir/crds.log"

# Started after the CRDs, so the garbage collector's first discovery sees them.
start kube-controller-manager "${tool[kube-controller-manager]}" \
  --kubeconfig "$kubeconfig" --controllers garbagecollector,namespace \
  --leader-elect=false --use-service-account-credentials=false \
  --bind-address 127.0.0.1 --secure-port 0
sleep 0.5
kill -0 "$(cat "$dir/kube-controller-manager.pid")" 2>/dev/null || fail "kube-controller-manager exited during start-up"

trap - ERR
echo "cluster ready in ${ready_ms}ms, CRDs established in $((($(date +%s%N) - started) / 1000000))ms (API server https://$listen_address:$api_port)"
echo "KUBECONFIG=$kubeconfig"

#!/usr/bin/env bash
# Builds the programs the e2e tests run, from Go modules, into a cache outside
# the clone keyed by tool and version, so a second run on the same machine
# only checks that the binaries are there.
#
#   test/e2e/tools/build.sh                 build what is missing (all tools)
#   test/e2e/tools/build.sh TOOL...         build only these tools
#   test/e2e/tools/build.sh --print-paths   print TOOL=path of every binary
#                                           for this checkout's versions; build nothing
#   test/e2e/tools/build.sh --sources       only download the module sources the
#                                           tests read (MetalLB's CRDs and webhooks);
#                                           seconds, where a build takes minutes
#
# Tools: etcd kube-apiserver kube-controller-manager kubectl pulumi
#        pulumi-language-yaml pulumi-resource-kubernetes metallb-controller
#        metallb-speaker
# Versions: each tool's wrapper module pins it. kube-apiserver,
# kube-controller-manager and kubectl follow k8s.io/kubernetes in kube/go.mod,
# etcd follows go.etcd.io/etcd/server/v3 in etcd/go.mod, the Pulumi CLI follows
# github.com/pulumi/pulumi/pkg/v3 in pulumi/go.mod, the YAML language host
# github.com/pulumi/pulumi-yaml in pulumi-yaml/go.mod, and the Kubernetes
# provider the "provider-release" line of pulumi-kubernetes/go.mod (the module
# itself is only served as a pseudo-version of that release). TypeScript
# programs need no language host: the tests drive them through the Automation
# API. MetalLB's controller and speaker follow metallb_version below;
# --print-paths also prints metallb-crds=DIR (MetalLB's own CRDs, of
# metallb_crds_version) and metallb-webhooks=FILE (the controller's webhook
# configuration), both in the module cache after --sources (which every
# build of all tools, and of a MetalLB tool, does too). The unit suites read
# the CRDs, so .ci/run downloads them before the tests, not with the builds.
# Cache: ${BGPLB_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/bgplb-e2e}; the Go
# module and build caches live there too. A failed build leaves its log in
# <tool>-<version>/build-error.log (the e2e tests print it when they skip).
# Exit status: 0 when every requested tool is present, 1 otherwise (every tool
# is still attempted), 2 on a usage error.
set -uo pipefail

tools_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_dir=$(cd "$tools_dir/../../.." && pwd)
cache_dir=${BGPLB_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/bgplb-e2e}
all_tools=(etcd kube-apiserver kube-controller-manager kubectl pulumi pulumi-language-yaml pulumi-resource-kubernetes)
all_tools+=(metallb-controller metallb-speaker)
# MetalLB, the oracle of the parity tests: its controller serves MetalLB's
# validating webhooks, its module carries MetalLB's CRDs.
# v0.15.2 is the newest that builds here: v0.16.2 needs github.com/metallb/frr-k8s
# v0.0.27, which the module proxy does not serve. v0.15.2's CRDs declare myASN
# and peerASN as int32 with a maximum of 4294967295, which Kubernetes 1.36
# refuses for every BGPPeer; v0.16.2's CRDs (int64) are used with its controller.
metallb_module=go.universe.tf/metallb
metallb_version=v0.15.2
metallb_crds_version=v0.16.2

export GOPATH="$cache_dir/go"
export GOCACHE="$cache_dir/go/build-cache"
export GOTOOLCHAIN=local
export GOFLAGS=-mod=mod
export CGO_ENABLED=0

# module_version GO_MOD MODULE: the version GO_MOD requires of MODULE.
module_version() {
  awk -v m="$2" '$1 == m && $2 ~ /^v/ { print $2; exit } $1 == "require" && $2 == m { print $3; exit }' "$1"
}

kube_version=$(module_version "$tools_dir/kube/go.mod" k8s.io/kubernetes)
etcd_version=$(module_version "$tools_dir/etcd/go.mod" go.etcd.io/etcd/server/v3)
pulumi_version=$(module_version "$tools_dir/pulumi/go.mod" github.com/pulumi/pulumi/pkg/v3)
pulumi_yaml_version=$(module_version "$tools_dir/pulumi-yaml/go.mod" github.com/pulumi/pulumi-yaml)
pulumi_kubernetes_version=$(sed -n 's|^// provider-release: \(v[^ ]*\)$|\1|p' "$tools_dir/pulumi-kubernetes/go.mod")

# tool_version TOOL
tool_version() {
  case $1 in
    etcd) echo "$etcd_version" ;;
    kube-apiserver | kube-controller-manager | kubectl) echo "$kube_version" ;;
    pulumi) echo "$pulumi_version" ;;
    pulumi-language-yaml) echo "$pulumi_yaml_version" ;;
    pulumi-resource-kubernetes) echo "$pulumi_kubernetes_version" ;;
    metallb-controller | metallb-speaker) echo "$metallb_version" ;;
    *) return 1 ;;
  esac
}

# tool_path TOOL: where the binary of TOOL lives in the cache.
tool_path() {
  echo "$cache_dir/$1-$(tool_version "$1")/bin/$1"
}

# wrapper_copy DIR: a scratch copy of the wrapper module DIR, so building
# never writes into the clone.
wrapper_copy() {
  local scratch
  scratch=$(mktemp -d "${TMPDIR:-/tmp}/bgplb-e2e-build.XXXXXX")
  cp "$1/go.mod" "$scratch/"
  [[ ! -f $1/go.sum ]] || cp "$1/go.sum" "$scratch/"
  echo "$scratch"
}

# metallb_wrapper COMMAND: a scratch module that requires MetalLB at
# metallb_version and its COMMAND (controller or speaker) as a tool.
metallb_wrapper() {
  local scratch
  scratch=$(mktemp -d "${TMPDIR:-/tmp}/bgplb-e2e-build.XXXXXX")
  printf 'module bgplb/e2e/tools/metallb\n\ngo 1.26.0\n' >"$scratch/go.mod"
  (cd "$scratch" && go get -tool "$metallb_module/$1@$metallb_version") >&2 ||
    { rm -rf "$scratch"; return 1; }
  echo "$scratch"
}

# go_build MODULE_DIR OUTPUT PACKAGE LDFLAGS
go_build() {
  (cd "$1" && nice -n 10 go build -trimpath -ldflags "-s -w $4" -o "$2" "$3")
}

# build_tool TOOL OUTPUT: builds TOOL into OUTPUT.
build_tool() {
  local tool=$1 out=$2 scratch status
  local k8s_ldflags="-X k8s.io/component-base/version.gitVersion=$kube_version"
  k8s_ldflags+=" -X k8s.io/component-base/version.gitMajor=$(echo "${kube_version#v}" | cut -d. -f1)"
  k8s_ldflags+=" -X k8s.io/component-base/version.gitMinor=$(echo "${kube_version#v}" | cut -d. -f2)"
  k8s_ldflags+=" -X k8s.io/component-base/version.gitTreeState=clean"
  case $tool in
    etcd)
      scratch=$(wrapper_copy "$tools_dir/etcd") || return 1
      go_build "$scratch" "$out" go.etcd.io/etcd/server/v3 ""
      ;;
    kube-apiserver | kube-controller-manager | kubectl)
      scratch=$(wrapper_copy "$tools_dir/kube") || return 1
      go_build "$scratch" "$out" "k8s.io/kubernetes/cmd/$tool" "$k8s_ldflags"
      ;;
    pulumi)
      scratch=$(wrapper_copy "$tools_dir/pulumi") || return 1
      go_build "$scratch" "$out" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi \
        "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$pulumi_version"
      ;;
    pulumi-language-yaml)
      scratch=$(wrapper_copy "$tools_dir/pulumi-yaml") || return 1
      go_build "$scratch" "$out" github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml \
        "-X github.com/pulumi/pulumi-yaml/pkg/version.Version=$pulumi_yaml_version"
      ;;
    pulumi-resource-kubernetes)
      # The command embeds schema-embed.json, which its go:generate step makes
      # and the module zip lacks: build a copy of the package with it generated.
      local provider=github.com/pulumi/pulumi-kubernetes/provider/v4 source
      scratch=$(wrapper_copy "$tools_dir/pulumi-kubernetes") || return 1
      source=$(cd "$scratch" && go mod download "$provider" && go list -m -f '{{.Dir}}' "$provider") &&
        cp -R "$source/cmd/pulumi-resource-kubernetes" "$scratch/provider" && chmod -R u+w "$scratch/provider" &&
        (cd "$scratch/provider" && VERSION=${pulumi_kubernetes_version#v} nice -n 10 go run ./generate.go) &&
        go_build "$scratch" "$out" ./provider \
          "-X $provider/pkg/version.Version=${pulumi_kubernetes_version#v}"
      ;;
    metallb-controller | metallb-speaker)
      scratch=$(metallb_wrapper "${tool#metallb-}") || return 1
      go_build "$scratch" "$out" "$metallb_module/${tool#metallb-}" ""
      ;;
  esac
  status=$?
  rm -rf "$scratch"
  return $status
}

# ensure_tool TOOL: builds TOOL unless its binary is cached; reports the time.
ensure_tool() {
  local tool=$1 path dir log started elapsed
  path=$(tool_path "$tool")
  dir=$(dirname "$(dirname "$path")")
  if [[ -x $path ]]; then
    echo "cached  $tool $(tool_version "$tool") ($path)"
    return 0
  fi
  mkdir -p "$dir/bin"
  log="$dir/build.log"
  started=$(date +%s)
  echo "build   $tool $(tool_version "$tool") ..."
  if build_tool "$tool" "$path.partial" >"$log" 2>&1 && mv -f "$path.partial" "$path"; then
    elapsed=$(($(date +%s) - started))
    rm -f "$dir/build-error.log"
    echo "built   $tool $(tool_version "$tool") in ${elapsed}s ($path)"
    echo "$(date -u +%FT%TZ) $tool $(tool_version "$tool") built in ${elapsed}s" >>"$cache_dir/build-times.log"
    return 0
  fi
  rm -f "$path.partial"
  mv -f "$log" "$dir/build-error.log"
  echo "FAILED  $tool $(tool_version "$tool") after $(($(date +%s) - started))s; log: $dir/build-error.log" >&2
  tail -n 5 "$dir/build-error.log" | sed 's/^/        /' >&2
  return 1
}

# ensure_sources: MetalLB's module at the CRDs' and at the tools' version in
# the module cache (go mod download skips what is there).
ensure_sources() {
  local started
  started=$(date +%s)
  if (cd "${TMPDIR:-/tmp}" && GOFLAGS= go mod download "$metallb_module@$metallb_crds_version" "$metallb_module@$metallb_version"); then
    echo "sources $metallb_module $metallb_crds_version $metallb_version in $(($(date +%s) - started))s"
    return 0
  fi
  echo "FAILED  downloading $metallb_module $metallb_crds_version $metallb_version" >&2
  return 1
}

if [[ ${1:-} == --sources ]]; then
  mkdir -p "$cache_dir"
  ensure_sources
  exit
fi

if [[ ${1:-} == --print-paths ]]; then
  for tool in "${all_tools[@]}"; do
    echo "$tool=$(tool_path "$tool")"
  done
  echo "metallb-crds=$GOPATH/pkg/mod/$metallb_module@$metallb_crds_version/config/crd/bases"
  echo "metallb-webhooks=$GOPATH/pkg/mod/$metallb_module@$metallb_version/config/webhook/manifests.yaml"
  exit 0
fi

requested=("$@")
[[ ${#requested[@]} -eq 0 ]] && requested=("${all_tools[@]}")
for tool in "${requested[@]}"; do
  tool_version "$tool" >/dev/null || { echo "build.sh: unknown tool '$tool' (known: ${all_tools[*]})" >&2; exit 2; }
done
for tool in "${requested[@]}"; do
  [[ -n $(tool_version "$tool") && $(tool_version "$tool") != v ]] || {
    echo "build.sh: no version for '$tool' (check its wrapper module's go.mod)" >&2
    exit 2
  }
done

mkdir -p "$cache_dir"
started=$(date +%s)
failed=()
if [[ " ${requested[*]} " == *" metallb-"* ]]; then
  ensure_sources || failed+=(sources)
fi
for tool in "${requested[@]}"; do
  ensure_tool "$tool" || failed+=("$tool")
done
echo "total   $(($(date +%s) - started))s"
if [[ ${#failed[@]} -gt 0 ]]; then
  echo "build.sh: not built: ${failed[*]}" >&2
  exit 1
fi

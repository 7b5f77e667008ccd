#!/usr/bin/env bash
# Runs COMMAND against a throwaway cluster (up.sh), with KUBECONFIG set and the
# kubectl of test/e2e/tools/build.sh first on PATH, then tears the cluster
# down whatever COMMAND's outcome; exits with COMMAND's status.
#
#   test/e2e/cluster/with-cluster.sh COMMAND [ARG...]
set -euo pipefail

[[ $# -ge 1 ]] || { echo "usage: $0 COMMAND [ARG...]" >&2; exit 2; }
cluster_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
dir=$(mktemp -d "${TMPDIR:-/tmp}/bgplb-e2e-cluster.XXXXXX")
trap '"$cluster_dir/down.sh" "$dir"' EXIT
trap 'exit 130' INT TERM

"$cluster_dir/up.sh" "$dir" --owner-pid $$ >&2
export KUBECONFIG="$dir/kubeconfig"
kubectl_path=$("$cluster_dir/../tools/build.sh" --print-paths | sed -n 's/^kubectl=//p')
export PATH="$(dirname "$kubectl_path"):$PATH"
status=0
"$@" || status=$?
exit "$status"

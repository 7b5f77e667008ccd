#!/usr/bin/env bash
# Runs COMMAND against a throwaway cluster (up.sh), with KUBECONFIG set, and
# tears the cluster down afterwards, whatever COMMAND's outcome; exits with
# COMMAND's status.
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
status=0
"$@" || status=$?
exit "$status"

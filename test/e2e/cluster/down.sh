#!/usr/bin/env bash
# Tears down a cluster started by up.sh: stops kube-controller-manager,
# kube-apiserver, then etcd
# (SIGTERM, SIGKILL after 10s), and removes DIR. Safe to run twice, and on a
# half-started cluster.
#
#   test/e2e/cluster/down.sh DIR
set -uo pipefail

[[ $# -eq 1 ]] || { echo "usage: $0 DIR" >&2; exit 2; }
dir=$1
[[ -d $dir ]] || exit 0
dir=$(cd "$dir" && pwd)

# stop NAME: stops the process recorded in DIR/NAME.pid, if it is still the
# one up.sh started (its command line names DIR; pids get reused).
stop() {
  local pidfile="$dir/$1.pid" pid
  [[ -f $pidfile ]] || return 0
  pid=$(cat "$pidfile")
  if [[ -r /proc/$pid/cmdline ]] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$dir/"; then
    kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 1 100); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null
  fi
  rm -f "$pidfile"
}

stop kube-controller-manager
stop kube-apiserver
stop etcd
rm -rf "$dir"

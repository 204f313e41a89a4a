#!/usr/bin/env bash
# Starts or stops a registry of your own on this machine: Debian's
# docker-registry (distribution 2.8), plain HTTP on 127.0.0.1 only, no
# authentication, its storage in a folder of the build tree.
#   usage: scripts/local-registry.sh start [PORT [DIR]]   (default 5000, build/registry)
#          scripts/local-registry.sh stop [DIR]
#   start: writes DIR/config.yml, starts `docker-registry serve` in the
#          background, records its pid in DIR/registry.pid and waits until
#          http://127.0.0.1:PORT/v2/ answers.
#   stop:  stops only the registry that `start` started, by that pid.
# Docker pushes to and pulls from 127.0.0.1:PORT without TLS; skopeo needs
# --tls-verify=false (scripts/publish.sh passes it on).
set -euo pipefail
# shellcheck source=scripts/daemon-lib.sh
source "$(dirname "$0")/daemon-lib.sh"
root=$(cd "$(dirname "$0")/.." && pwd)
deadline_seconds=${PIDONE_REGISTRY_TIMEOUT:-30}
answers() { python3 -c "import urllib.request as u; u.urlopen('http://127.0.0.1:$1/v2/', timeout=2)" 2>/dev/null; }

start() {
  local port=${1:-5000} dir=${2:-$root/build/registry}
  mkdir -p "$dir/storage"
  dir=$(cd "$dir" && pwd)
  cat >"$dir/config.yml" <<CONFIG
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $dir/storage
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$port
CONFIG
  setsid docker-registry serve "$dir/config.yml" >"$dir/registry.log" 2>&1 </dev/null &
  local pid=$!
  echo "$pid" >"$dir/registry.pid"
  wait_until_answers "local-registry: docker-registry on 127.0.0.1:$port" "$pid" "$deadline_seconds" \
    "$dir/registry.log" answers "$port"
  echo "local-registry: 127.0.0.1:$port (pid $pid, storage $dir/storage)"
}

stop() {
  local dir=${1:-$root/build/registry} pid
  [ -f "$dir/registry.pid" ] || { echo "local-registry: none started in $dir"; return 0; }
  pid=$(cat "$dir/registry.pid")
  if alive "$pid"; then
    stop_and_wait local-registry "$pid" "$deadline_seconds"
  fi
  rm -f "$dir/registry.pid"
  echo "local-registry: stopped pid $pid"
}

case "${1:-}" in
  start) shift; start "$@" ;;
  stop) shift; stop "$@" ;;
  *) echo "usage: $0 start [PORT [DIR]] | stop [DIR]" >&2; exit 2 ;;
esac

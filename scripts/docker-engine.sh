#!/usr/bin/env bash
# Starts or stops a Docker engine for the tests.
#   start: when `docker info` does not answer, starts dockerd in the background
#          (no bridge, no iptables: test containers run with --network none),
#          records its pid in build/dockerd.pid and waits until it answers.
#   stop:  stops only the daemon that `start` started, by that pid.
# Installs nothing: docker.io comes from scripts/debian-packages.txt.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
pidfile=$root/build/dockerd.pid
logfile=$root/build/dockerd.log
deadline_seconds=${PIDONE_DOCKERD_TIMEOUT:-60}

as_root=()
[ "$(id -u)" = 0 ] || as_root=(sudo)
answers() { docker info >/dev/null 2>&1; }
alive() { [ -d "/proc/$1" ]; }

start() {
  if answers; then
    echo "docker-engine: a Docker engine already answers; not starting one"
    return 0
  fi
  mkdir -p "$root/build"
  # A simple command (no function, no subshell), so $! is dockerd's own pid
  # (or sudo's, which passes signals on); setsid keeps a terminal's ^C meant
  # for the caller away from it.
  "${as_root[@]}" setsid dockerd --bridge=none --iptables=false --ip6tables=false >"$logfile" 2>&1 &
  local pid=$!
  echo "$pid" >"$pidfile"
  local end=$((SECONDS + deadline_seconds))
  until answers; do
    if ! alive "$pid"; then
      echo "docker-engine: dockerd exited; its log ($logfile):" >&2
      tail -n 20 "$logfile" >&2
      rm -f "$pidfile"
      return 1
    fi
    if [ "$SECONDS" -ge "$end" ]; then
      echo "docker-engine: dockerd did not answer within ${deadline_seconds}s; log: $logfile" >&2
      return 1
    fi
    sleep 0.2
  done
  echo "docker-engine: started dockerd (pid $pid, log $logfile)"
}

stop() {
  [ -f "$pidfile" ] || { echo "docker-engine: no dockerd started by this script"; return 0; }
  local pid
  pid=$(cat "$pidfile")
  if alive "$pid"; then
    "${as_root[@]}" kill -TERM "$pid"
    local end=$((SECONDS + deadline_seconds))
    while alive "$pid"; do
      if [ "$SECONDS" -ge "$end" ]; then
        echo "docker-engine: dockerd (pid $pid) still running after ${deadline_seconds}s" >&2
        return 1
      fi
      sleep 0.2
    done
    echo "docker-engine: stopped dockerd (pid $pid)"
  fi
  rm -f "$pidfile"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac

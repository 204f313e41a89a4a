#!/usr/bin/env bash
# Starts or stops a Docker engine for the build and the tests.
#   start:     when `docker info` does not answer, starts dockerd in the
#              background (no bridge, no iptables: test containers run with
#              --network none) with --pidfile=/run/pidone/dockerd.pid, waits
#              until it answers, and prints its pid on stdout (nothing when
#              an engine already answered).
#   stop PID:  stops dockerd PID if `start` started it, in this clone or
#              another: the pid in that file, whose command line names that
#              pidfile. Never another dockerd; an empty PID stops nothing.
#   pid:       prints that daemon's pid, if it runs.
# The pidfile lives outside the clone so that a fresh clone finds a daemon an
# older one left running. PIDONE_RUN_DIR overrides /run/pidone.
# Installs nothing: docker.io comes from scripts/debian-packages.txt.
set -euo pipefail
# shellcheck source=scripts/daemon-lib.sh
source "$(dirname "$0")/daemon-lib.sh"
run_dir=${PIDONE_RUN_DIR:-/run/pidone}
pidfile=$run_dir/dockerd.pid
logfile=$run_dir/dockerd.log
deadline_seconds=${PIDONE_DOCKERD_TIMEOUT:-60}

as_root=()
[ "$(id -u)" = 0 ] || as_root=(sudo)
answers() { docker info >/dev/null 2>&1; }

# The pid of the dockerd that `start` started, or nothing.
ours() {
  local pid
  pid=$(cat "$pidfile" 2>/dev/null) || return 0
  [[ "$pid" =~ ^[0-9]+$ ]] || return 0
  tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null |
    grep -qx -e "--pidfile=$pidfile" && echo "$pid"
  return 0
}

start() {
  if answers; then
    echo "docker-engine: a Docker engine already answers; not starting one" >&2
    return 0
  fi
  "${as_root[@]}" mkdir -p "$run_dir"
  # setsid keeps a terminal's ^C meant for the caller away from it.
  "${as_root[@]}" setsid sh -c 'exec dockerd "$@" >"$0" 2>&1' "$logfile" \
    --bridge=none --iptables=false --ip6tables=false "--pidfile=$pidfile" &
  wait_until_answers "docker-engine: dockerd" $! "$deadline_seconds" "$logfile" answers
  local pid
  pid=$(ours)
  echo "docker-engine: started dockerd (pid $pid, log $logfile)" >&2
  echo "$pid"
}

stop() {
  local pid
  pid=$(ours)
  if [ -z "$1" ]; then
    echo "docker-engine: no dockerd to stop"
    return 0
  fi
  if [ "$1" != "$pid" ]; then
    echo "docker-engine: pid $1 is no dockerd started by this script; not stopping it"
    return 0
  fi
  stop_and_wait "docker-engine: dockerd" "$pid" "$deadline_seconds" "${as_root[@]}"
  echo "docker-engine: stopped dockerd (pid $pid)"
}

case "${1:-}" in
  start) start ;;
  stop) stop "${2:-}" ;;
  pid) ours ;;
  *) echo "usage: $0 start|stop PID|pid" >&2; exit 2 ;;
esac

# Shell functions for the scripts that run a daemon in the background
# (docker-engine.sh, local-registry.sh); source it, do not run it.

# Running: a zombie (exited, not yet reaped by its parent) is not.
alive() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) && [ "$(awk '{ print $1 }' <<<"${stat##*)}")" != Z ]
}

# wait_until_answers NAME PID SECONDS LOG COMMAND...: polls COMMAND until it
# succeeds; fails, with the end of LOG, if PID exits first or SECONDS pass.
wait_until_answers() {
  local name=$1 pid=$2 seconds=$3 log=$4
  shift 4
  local end=$((SECONDS + seconds))
  until "$@"; do
    if ! alive "$pid"; then
      echo "$name: exited; its log ($log):" >&2
      tail -n 20 "$log" >&2
      return 1
    fi
    if [ "$SECONDS" -ge "$end" ]; then
      echo "$name: no answer within ${seconds}s; log: $log" >&2
      return 1
    fi
    sleep 0.1
  done
}

# stop_and_wait NAME PID SECONDS [PREFIX...]: SIGTERM to PID (through PREFIX,
# sudo say), then waits until it has exited; fails if SECONDS pass first.
stop_and_wait() {
  local name=$1 pid=$2 seconds=$3
  shift 3
  "$@" kill -TERM "$pid"
  local end=$((SECONDS + seconds))
  while alive "$pid"; do
    if [ "$SECONDS" -ge "$end" ]; then
      echo "$name: pid $pid still running after ${seconds}s" >&2
      return 1
    fi
    sleep 0.1
  done
}

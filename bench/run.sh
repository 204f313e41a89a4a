#!/usr/bin/env bash
# Benchmarks pidone beside its peers in one run: Debian's dumb-init, tini and
# tini-static (what apt gives you), and static musl builds of dumb-init, tini
# and catatonit (bench/static-peers.sh; what users who care about size pick).
# Sizes, start-up overhead, peak memory, signal round trip, reaping as PID 1
# (orphans one batch after another, and a burst at once), idle wake-ups, how
# start-up, signals and reaping scale, and the exit latency of pidone's
# default grace period. Then, unless --no-containers, the container-level
# figures (bench/containers.sh).
#   usage: bench/run.sh [--quick] [bench-driver work options...]
#     --quick  a smoke test of a few seconds (CI); figures are not meaningful
# Installs what is missing (scripts/install-deps.sh), builds pidone and the
# benchmark's programs (preset x86_64), and writes into build/bench/ (the full
# run) or build/bench/quick/: results.tsv (every figure), results.md (the table,
# also printed), results.json (every figure) and scaling.png (the plot). Needs root: the reaping runs make
# PID namespaces.
set -euo pipefail
shopt -s inherit_errexit
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
started=$SECONDS

out=$root/build/bench
mode=full
quick=()
if [ "${1:-}" = --quick ]; then
  shift
  out=$root/build/bench/quick
  mode=quick
  quick=(--quick)
fi
if [ "$(id -u)" != 0 ]; then
  echo "bench/run.sh: must run as root (the reaping runs make PID namespaces)" >&2
  exit 1
fi

# Runs a command with its output in a log, shown only if it fails.
logged() {
  local log=$1
  shift
  "$@" >>"$log" 2>&1 || {
    echo "bench/run.sh: $* failed; the end of $log:" >&2
    tail -n 30 "$log" >&2
    return 1
  }
}

scripts/install-deps.sh  # dumb-init, tini and python3-matplotlib among them
mkdir -p "$out/bin"
: >"$out/build.log"
logged "$out/build.log" cmake --preset x86_64
logged "$out/build.log" cmake --build --preset x86_64 --target pidone bench-true bench-app bench-driver
bin=$root/build/x86_64/bin
logged "$out/build.log" bench/static-peers.sh "$root/build/bench/static"
static=$root/build/bench/static

# Every init runs from a stripped copy, so the size measured is the size run.
declare -A source=([pidone]=$bin/pidone [dumb-init]=/usr/bin/dumb-init
                   [tini]=/usr/bin/tini [tini-static]=/usr/bin/tini-static
                   [dumb-init-musl]=$static/dumb-init-static [tini-musl]=$static/tini-static
                   [catatonit-musl]=$static/catatonit-static)
# What comes before the application: tini needs -s to reap when it is not PID 1.
declare -A arguments=([pidone]=-- [dumb-init]=-- [tini]="-s --" [tini-static]="-s --"
                      [dumb-init-musl]=-- [tini-musl]="-s --" [catatonit-musl]=--)
names=(pidone dumb-init-musl tini-musl catatonit-musl dumb-init tini tini-static)
inits=()
for name in "${names[@]}"; do
  [ -x "${source[$name]}" ] || continue  # tini-static is not packaged everywhere
  strip --strip-all -o "$out/bin/$name" "${source[$name]}"
  inits+=(--init "$name=$out/bin/$name ${arguments[$name]}")
done

# In the root cgroup the kernel's autogroup gives each new session its own
# scheduling group; the setsid() of dumb-init and pidone would then put each
# child in a group of its own, which under CPU contention costs milliseconds
# per start. A container's init runs in a cgroup of its own, where autogroup
# does not apply: run everything in one, and remove it at the end.
cgroup="root cgroup (autogroup applies)"
for hierarchy in /sys/fs/cgroup/cpu /sys/fs/cgroup; do
  [ -e "$hierarchy/cgroup.procs" ] || continue
  [ "$hierarchy" = /sys/fs/cgroup/cpu ] || grep -qw cpu "$hierarchy/cgroup.subtree_control" 2>/dev/null || continue
  mkdir -p "$hierarchy/pidone-bench" 2>/dev/null || continue
  # The burst runs again at real-time priority: with cgroup v1's RT group
  # scheduling, a cgroup's tasks get none without a runtime of their own.
  if [ -e "$hierarchy/pidone-bench/cpu.rt_runtime_us" ]; then
    echo 200000 >"$hierarchy/pidone-bench/cpu.rt_runtime_us" 2>/dev/null || true
  fi
  if echo $$ >"$hierarchy/pidone-bench/cgroup.procs" 2>/dev/null; then
    cgroup="a CPU cgroup of its own, ${hierarchy#/sys/fs/cgroup}/pidone-bench"
    trap 'echo $$ >"'"$hierarchy"'/cgroup.procs"; rmdir "'"$hierarchy"'/pidone-bench" || true' EXIT
    break
  fi
  rmdir "$hierarchy/pidone-bench"
done

# The inits read these; the benchmark measures their defaults.
for variable in $(env | sed -n 's/^\(PIDONE_[A-Z_]*\|TINI_[A-Z_]*\|DUMB_INIT_[A-Z_]*\)=.*/\1/p'); do
  unset "$variable"
done

results=$out/results.tsv
echo "bench/run.sh: $mode run; progress below and in $out/driver.log"
"$bin/bench-driver" "${quick[@]}" --results "$results" --true "$bin/bench-true" \
  --app "$bin/bench-app" "${inits[@]}" "$@" 2> >(tee "$out/driver.log" >&2)
{
  printf 'version\tpidone\t1\t%s\n' "$("$bin/pidone" --version | sed 's/^pidone version //')"
  for name in dumb-init tini; do
    printf 'version\t%s\t1\t%s\n' "$name" "$(dpkg-query -W -f '${Version}' "$name")"
  done
  if [ -x "${source[tini-static]}" ]; then
    printf 'version\ttini-static\t1\t%s\n' "$(dpkg-query -W -f '${Version}' tini)"
  fi
  for name in dumb-init tini catatonit; do
    printf 'version\t%s-musl\t1\t%s\n' "$name" "$(cd build/bench/src && ls "$name"_*.dsc | sed 's/.*_\(.*\)\.dsc/\1/')"
  done
  image=$(timeout 30 docker image inspect -f '{{.Size}}' "${PIDONE_IMAGE:-pidone}:latest" 2>/dev/null) || image="not built"
  printf 'image_bytes\tpidone\t1\t%s\n' "$image"
  printf 'cgroup\tall\t1\t%s\n' "$cgroup"
  printf 'commit\tall\t1\t%s\n' "$(git rev-parse --short=7 HEAD)$(git diff --quiet HEAD -- src || echo ' plus uncommitted changes to src/')"
} >>"$results"

# Container-level figures (full run only): Docker, and podman when
# PIDONE_BENCH_ENGINES names it (set up by scripts of its own; the image is
# copied into it with docker save | podman load).
if [ $mode = full ]; then
  if timeout 30 docker image inspect "${PIDONE_IMAGE:-pidone}:latest" >/dev/null 2>&1; then
    for engine in ${PIDONE_BENCH_ENGINES:-docker}; do
      echo "bench/run.sh: container-level figures, $engine"
      /usr/bin/python3 bench/containers.py --engine "$engine" --results "$results" --repetitions 3 \
        --app "$bin/bench-app" --dumb-init "$static/dumb-init-static"
    done
  else
    echo "bench/run.sh: no ${PIDONE_IMAGE:-pidone}:latest image (scripts/build-images.sh): no container-level figures"
  fi
fi

/usr/bin/python3 bench/report.py "$results" --mode "$mode" --json "$out/results.json" \
  --markdown "$out/results.md" --plot "$out/scaling.png"
# The README's figures must be those of the committed full run.
[ $mode = full ] || /usr/bin/python3 bench/check-readme.py
echo
echo "bench/run.sh: $mode run took $((SECONDS - started)) s; table $out/results.md, figures $out/results.json, plot $out/scaling.png"

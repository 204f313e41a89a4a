#!/usr/bin/env bash
# Shows the freshly built pidone at work: first as a process, on x86_64 and
# (under qemu-user) aarch64: its version, sizes, exit status, and signal
# forwarding; then why it exists: one application under Docker, with pidone
# as PID 1 and without, on amd64 and arm64, stopped with `docker stop`.
# Needs the images of scripts/build-images.sh, a Docker engine and, for
# arm64, scripts/binfmt-aarch64.sh.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export DOCKER_BUILDKIT=0
image=${PIDONE_IMAGE:-pidone}
version=$(sed -n 's/^project(pidone VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)
declare -A build_arch=([amd64]=x86_64 [arm64]=aarch64)

show() { printf '\n$ %s\n' "$*"; "$@"; echo "(exit status $?)"; }
# Waits up to 10 s for a line starting with $2 in file $1.
wait_line() { timeout 10 bash -c 'until grep -q "^$2" "$1"; do sleep 0.05; done' _ "$1" "$2"; }

for arch in x86_64 aarch64; do
  bin=build/$arch/bin
  run=()
  [ "$arch" = aarch64 ] && run=(qemu-aarch64-static)
  printf '\n== %s: pidone %s bytes, nologin %s bytes\n' "$arch" "$(stat -c %s $bin/pidone)" "$(stat -c %s $bin/nologin)"
  show "${run[@]}" $bin/pidone --version
  show "${run[@]}" $bin/pidone -- $bin/testapp exit 3
  show "${run[@]}" $bin/pidone -- $bin/testapp kill 15
  show "${run[@]}" $bin/pidone -- /no/such/program
done

bin=build/x86_64/bin
printf '\n$ pidone -v -- testapp slow-term 0.2   # then: kill -USR1, kill -TERM\n'
out=$(mktemp)
$bin/pidone -v -- $bin/testapp slow-term 0.2 >"$out" &
pid=$!
wait_line "$out" ready
kill -USR1 $pid
wait_line "$out" "signal 10"
kill -TERM $pid
wait $pid
status=$?
cat "$out"
echo "(exit status $status)"
rm -f "$out"

# ---- Docker: `testapp sleep` installs no signal handler, like most programs.
# As PID 1 the kernel drops its SIGTERM: docker stop waits its 10 s, then
# SIGKILLs it (137). Under pidone it dies of the SIGTERM at once (143).
work=$(mktemp -d)
containers=()
images=()
cleanup() {
  [ ${#containers[@]} -eq 0 ] || docker rm -f "${containers[@]}" >/dev/null
  [ ${#images[@]} -eq 0 ] || docker rmi "${images[@]}" >/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

# The demo image of one architecture: the pidone image plus testapp.
demo_image() {
  local arch=$1 context=$work/context-$1
  mkdir -p "$context"
  cp "build/${build_arch[$arch]}/bin/testapp" "$context/"
  printf 'FROM %s\nCOPY testapp /bin/testapp\nCMD ["/bin/testapp", "sleep"]\n' \
    "$image:$version-$arch" >"$context/Dockerfile"
  docker build -q --network none --platform "linux/$arch" -t "$image-demo:$arch" "$context" \
    >"$work/build-$arch.log" 2>&1 || { cat "$work/build-$arch.log" >&2; return 1; }
  images+=("$image-demo:$arch")
}

# Starts a container (name $1) and waits until testapp has said `ready`.
start() {
  local name=$1
  shift
  docker run -d --network none --label pidone-test=demo --name "$name" "$@" >/dev/null || return 1
  containers+=("$name")
  timeout 60 bash -c 'until docker logs "$1" 2>&1 | grep -q "^ready"; do sleep 0.1; done' _ "$name"
}

# Stops a container, and writes the seconds docker stop took to $work/NAME.
timed_stop() {
  local begin=$EPOCHREALTIME
  docker stop "$1" >/dev/null
  awk -v begin="$begin" -v end="$EPOCHREALTIME" 'BEGIN { print end - begin }' >"$work/$1"
}

printf '\n== Docker: the same application with pidone as PID 1 and without; docker stop (10 s, then SIGKILL)\n'
names=()
for arch in amd64 arm64; do
  demo_image "$arch" || { echo "demo: could not build $image-demo:$arch" >&2; exit 1; }
  with=pidone-demo-$$-$arch-pidone
  without=pidone-demo-$$-$arch-bare
  start "$with" --platform "linux/$arch" "$image-demo:$arch" &&
  start "$without" --platform "linux/$arch" --entrypoint /bin/testapp "$image-demo:$arch" sleep ||
    { echo "demo: a $arch container did not start" >&2; exit 1; }
  names+=("$with" "$without")
done
for name in "${names[@]}"; do timed_stop "$name" & done
wait
printf '%-6s %-24s %12s %12s\n' arch "PID 1" "docker stop" "exit status"
for name in "${names[@]}"; do
  arch=${name%-*}; arch=${arch##*-}
  case $name in *-pidone) pid1="pidone -- testapp sleep" ;; *) pid1="testapp sleep" ;; esac
  printf '%-6s %-24s %10.1f s %12s\n' "$arch" "$pid1" "$(cat "$work/$name")" \
    "$(docker inspect -f '{{.State.ExitCode}}' "$name")"
done

#!/usr/bin/env bash
# Puts back the fresh state of everything the project's scripts and tests
# leave on a machine outside the clone, so that the next run proves it needs
# none of it (.ci/run starts with this). Needs root (or sudo).
#   usage: scripts/reset-machine.sh [--dry-run] [STEP...]
#   --dry-run: prints what each step would do, changes nothing.
#   STEP (default: all, in this order):
#     containers  removes the containers the tests left (label pidone-test)
#     images      removes the images named pidone* (and $PIDONE_IMAGE*): the
#                 product, builder (pidone-builder*, pidone-rootfs*) and test
#                 images; and debian:12 if docker/debian-base.sh made it
#     cache       removes the build cache and the dangling images
#     kernels     removes the micro-VM kernels fetched into build/*/microvm/
#                 and $PIDONE_MICROVM_CACHE
#     podman      removes what scripts/podman-setup.sh made: the rootless
#                 user pidone-rootless (home, storage, subordinate ids,
#                 runtime dir) and a containers.conf it created; and the
#                 rootful Podman's pidone* images
#     aptsrc      removes the deb-src entry bench/static-peers.sh added
#     dockerd     stops the dockerd that scripts/docker-engine.sh started
#     binfmt      unregisters qemu-aarch64 from binfmt_misc
# The Docker steps need an engine: when none answers, they start one with
# scripts/docker-engine.sh (the images are on disk all the same) and stop it
# at the end. Debian packages stay installed.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
binfmt=/proc/sys/fs/binfmt_misc
image_prefixes=(pidone)
[ -z "${PIDONE_IMAGE:-}" ] || image_prefixes+=("$PIDONE_IMAGE")
all_steps=(containers images cache kernels podman aptsrc dockerd binfmt)

dry_run=false
if [ "${1:-}" = --dry-run ]; then dry_run=true; shift; fi
steps=("$@")
[ ${#steps[@]} -gt 0 ] || steps=("${all_steps[@]}")
for step in "${steps[@]}"; do
  [[ " ${all_steps[*]} " == *" $step "* ]] ||
    { echo "usage: $0 [--dry-run] [${all_steps[*]}]" >&2; exit 2; }
done

as_root=()
[ "$(id -u)" = 0 ] || as_root=(sudo)

# Runs a command, or with --dry-run only says it would.
act() {
  if $dry_run; then
    echo "reset: would run: $*"
  else
    echo "reset: $*"
    "$@"
  fi
}

# Unregisters one binfmt_misc entry.
unregister() { echo -1 | "${as_root[@]}" tee "$1" >/dev/null; }

engine_ready=false
engine_started=
trap '[ -z "$engine_started" ] || scripts/docker-engine.sh stop "$engine_started"' EXIT
engine() {
  $engine_ready && return 0
  if ! command -v docker >/dev/null; then
    echo "reset: docker is not installed: no containers, images or cache to remove"
    return 1
  fi
  if ! docker info >/dev/null 2>&1; then
    if $dry_run; then
      echo "reset: no Docker engine answers (the real run starts one to look)"
      return 1
    fi
    engine_started=$(scripts/docker-engine.sh start)
  fi
  engine_ready=true
}

containers() {
  engine || return 0
  local ids
  mapfile -t ids < <(docker ps -aq --filter label=pidone-test)
  if [ ${#ids[@]} -eq 0 ]; then
    echo "reset: no container labelled pidone-test"
    return 0
  fi
  act docker rm -f "${ids[@]}"
}

images() {
  engine || return 0
  local names=() name prefix
  while read -r name; do
    for prefix in "${image_prefixes[@]}"; do
      [[ "$name" == "$prefix"* ]] && { names+=("$name"); break; }
    done
  done < <(docker images --format '{{.Repository}}:{{.Tag}}' | grep -v '<none>')
  # docker/debian-base.sh imports debian:12 when it cannot pull it.
  if [ "$(docker image inspect -f '{{.Comment}}' debian:12 2>/dev/null)" = "Imported from -" ]; then
    names+=(debian:12)
  fi
  if [ ${#names[@]} -eq 0 ]; then
    echo "reset: no image of the project"
    return 0
  fi
  act docker rmi -f "${names[@]}"
}

cache() {
  engine || return 0
  act docker builder prune -af
  act docker image prune -f
}

kernels() {
  local kernels=() dir
  for dir in build/*/microvm ${PIDONE_MICROVM_CACHE:+"$PIDONE_MICROVM_CACHE"/*}; do
    [ -e "$dir/vmlinuz" ] && kernels+=("$dir/vmlinuz" "$dir/kernel-package")
  done
  if [ ${#kernels[@]} -eq 0 ]; then
    echo "reset: no downloaded kernel"
    return 0
  fi
  act rm -f "${kernels[@]}"
}

podman() {
  local user=pidone-rootless conf=/etc/containers/containers.conf images=()
  if command -v podman >/dev/null; then
    mapfile -t images < <(command podman images --format '{{.Repository}}:{{.Tag}}' | grep -E '^(localhost/)?pidone' || true)
    [ ${#images[@]} -eq 0 ] || act command podman rmi -f "${images[@]}"
  fi
  if id -u "$user" >/dev/null 2>&1; then
    local runtime_dir
    runtime_dir=/run/user/$(id -u "$user")
    act pkill -KILL -u "$user" || true
    act "${as_root[@]}" userdel -r "$user" 2>/dev/null || true
    act "${as_root[@]}" sed -i "/^$user:/d" /etc/subuid /etc/subgid
    act "${as_root[@]}" rm -rf "$runtime_dir"
  else
    echo "reset: no user $user"
  fi
  # podman-setup.sh's own file, byte for byte; a containers.conf of the
  # machine's stays.
  if [ "$(cat "$conf" 2>/dev/null)" = "$(printf '[containers]\ndefault_ulimits = []')" ]; then
    act "${as_root[@]}" rm -f "$conf"
  fi
}

aptsrc() {
  local entry=/etc/apt/sources.list.d/pidone-bench-src.sources
  if [ ! -e "$entry" ]; then
    echo "reset: no $entry"
    return 0
  fi
  act "${as_root[@]}" rm -f "$entry"
}

dockerd() {
  local pid
  pid=$(scripts/docker-engine.sh pid)
  if [ -z "$pid" ]; then
    echo "reset: no dockerd started by scripts/docker-engine.sh runs"
    return 0
  fi
  act scripts/docker-engine.sh stop "$pid"
  engine_started=
}

binfmt() {
  if [ ! -e "$binfmt/qemu-aarch64" ]; then
    echo "reset: qemu-aarch64 is not registered in $binfmt"
    return 0
  fi
  act unregister "$binfmt/qemu-aarch64"
}

for step in "${steps[@]}"; do
  "$step"
done

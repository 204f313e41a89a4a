#!/usr/bin/env bash
# Builds a release from this checkout into dist/ (Debian 12, as root or with
# sudo): the static binaries of both architectures, named as dumb-init names
# its own, the Debian packages, the minimal images saved by `docker save`, and
# SHA256SUMS over all of them.
#   usage: scripts/release.sh [--no-images] [--dist DIR]
#     --no-images  skip the image tarballs (no Docker needed)
#     --dist DIR   write there instead of dist/
# The binaries and packages are reproducible: the same commit gives the same
# bytes, whatever the folder, the time, the umask or the locale. Every build
# starts from an empty build/release/<arch>.
set -euo pipefail
shopt -s inherit_errexit
root=$(cd "$(dirname "$0")/.." && pwd)

with_images=1
dist=$root/dist
while [ $# -gt 0 ]; do
  case "$1" in
    --no-images) with_images=0 ;;
    --dist) dist=$(realpath -m -- "${2:?--dist needs a directory}"); shift ;;
    *) echo "usage: $0 [--no-images] [--dist DIR]" >&2; exit 2 ;;
  esac
  shift
done
cd "$root"

umask 022
export LC_ALL=C TZ=UTC
arches=(x86_64 aarch64)
declare -A debian_arch=([x86_64]=amd64 [aarch64]=arm64)

if [ -n "$(git status --porcelain 2>/dev/null)" ]; then
  echo "release: warning: uncommitted changes; the binaries will name commit" \
    "$(git rev-parse --short=7 HEAD) all the same" >&2
fi

scripts/install-deps.sh

# Runs a command with its output appended to a log, shown if it fails.
logged() {
  local log=$1
  shift
  if ! "$@" >>"$log" 2>&1; then
    echo "release: $* failed; the end of $log:" >&2
    tail -n 30 "$log" >&2
    return 1
  fi
}

# Configures and builds one architecture from scratch (only what a release
# needs, with the build's own checks), then writes its Debian package into
# build/release/<arch>/deb/.
build_arch() {
  local arch=$1 build=$root/build/release/$1 log=$root/build/release/$1.log
  rm -rf "$build" "$log"
  logged "$log" cmake --preset "$arch" -B "$build" -DCMAKE_SKIP_INSTALL_ALL_DEPENDENCY=ON
  logged "$log" cmake --build "$build" -j "$(nproc)" --target release
  logged "$log" cpack --config "$build/CPackConfig.cmake" -B "$build/deb"
}

# The version, as CMake's project() has it.
configured_version() {
  sed -n 's/^set(CPACK_PACKAGE_VERSION "\(.*\)")$/\1/p' "$root/build/release/x86_64/CPackConfig.cmake"
}

mkdir -p "$root/build/release" "$dist"
rm -f "$dist"/pidone_* "$dist"/nologin_* "$dist/SHA256SUMS"
for arch in "${arches[@]}"; do
  build_arch "$arch"
  echo "release: built $arch"
done
version=$(configured_version)
[ -n "$version" ] || { echo "release: no CPACK_PACKAGE_VERSION in the build tree" >&2; exit 1; }

for arch in "${arches[@]}"; do
  bin=$root/build/release/$arch/bin
  install -m 0755 "$bin/pidone" "$dist/pidone_${version}_$arch"
  install -m 0755 "$bin/nologin" "$dist/nologin_${version}_$arch"
  install -m 0644 "$root/build/release/$arch/deb/pidone_${version}_${debian_arch[$arch]}.deb" "$dist/"
done

if [ "$with_images" = 1 ]; then
  if ! docker info >/dev/null 2>&1; then
    scripts/docker-engine.sh start
    trap 'scripts/docker-engine.sh stop' EXIT
  fi
  images=()
  for arch in "${arches[@]}"; do images+=("${debian_arch[$arch]}"); done
  scripts/build-images.sh "${images[@]}"
  for image_arch in "${images[@]}"; do
    tarball=$dist/pidone_${version}_image_$image_arch.tar
    docker save -o "$tarball" "${PIDONE_IMAGE:-pidone}:$version-$image_arch"
    chmod 0644 "$tarball"
  done
fi

(cd "$dist" && sha256sum -- nologin_* pidone_* >SHA256SUMS && sha256sum --quiet -c SHA256SUMS)
echo "release: pidone $version in $dist:"
(cd "$dist" && ls -l --time-style=+ -- *)

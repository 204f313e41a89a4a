#!/usr/bin/env bash
# Builds a release from this checkout into dist/ (Debian 12, as root or with
# sudo): the static binaries of both architectures, named as dumb-init names
# its own, the Debian packages, the images (one OCI archive holding both
# flavours' multi-arch indexes, and a `docker load` tarball per architecture
# derived from the same blobs), an SPDX SBOM per flavour, the licence, and
# SHA256SUMS over all of them, signed with minisign when a key is given.
#   usage: scripts/release.sh [--no-images] [--dist DIR] [--sign-key FILE]
#     --no-images      skip the images and SBOMs (no download of the pinned
#                      Debian packages of docker/debian-files.txt)
#     --dist DIR       write there instead of dist/
#     --sign-key FILE  a minisign secret key (minisign -G): writes
#                      SHA256SUMS.minisig
# Everything but the signature is reproducible: the same commit gives the
# same bytes, whatever the folder, the time, the umask or the locale. Every
# build starts from an empty build/release/<arch>.
set -euo pipefail
shopt -s inherit_errexit
root=$(cd "$(dirname "$0")/.." && pwd)

with_images=1
dist=$root/dist
sign_key=
while [ $# -gt 0 ]; do
  case "$1" in
    --no-images) with_images=0 ;;
    --dist) dist=$(realpath -m -- "${2:?--dist needs a directory}"); shift ;;
    --sign-key) sign_key=$(realpath -- "${2:?--sign-key needs a file}"); shift ;;
    *) echo "usage: $0 [--no-images] [--dist DIR] [--sign-key FILE]" >&2; exit 2 ;;
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
rm -f "$root/build/release/images.log"
rm -f "$dist"/pidone_* "$dist"/nologin_* "$dist/LICENSE" "$dist"/SHA256SUMS*
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

install -m 0644 "$root/LICENSE" "$dist/LICENSE"

if [ "$with_images" = 1 ]; then
  bins=()
  for arch in "${arches[@]}"; do bins+=(--bin "${debian_arch[$arch]}=$root/build/release/$arch/bin"); done
  docker_archives=()
  for arch in "${arches[@]}"; do
    docker_archives+=(--docker-archive "${debian_arch[$arch]}=$dist/pidone_${version}_image_${debian_arch[$arch]}.tar")
  done
  logged "$root/build/release/images.log" scripts/oci-image.py "${bins[@]}" \
    --out "$root/build/release/oci" --oci-archive "$dist/pidone_${version}_image_oci.tar" "${docker_archives[@]}"
  grep '^oci-image:' "$root/build/release/images.log" | sed 's/^oci-image:/release: image/'
  scripts/sbom.py --flavour minimal "${bins[@]}" --out "$dist/pidone_${version}_sbom.spdx.json"
  scripts/sbom.py --flavour full "${bins[@]}" --out "$dist/pidone_${version}_full_sbom.spdx.json"
fi

(cd "$dist" && sha256sum -- LICENSE nologin_* pidone_* >SHA256SUMS && sha256sum --quiet -c SHA256SUMS)
if [ -n "$sign_key" ]; then
  # A fixed trusted comment (minisign's default holds the time): the
  # signature of the same SHA256SUMS with the same key is the same file.
  minisign -S -s "$sign_key" -m "$dist/SHA256SUMS" -t "pidone $version SHA256SUMS" </dev/null >/dev/null
fi
echo "release: pidone $version in $dist:"
(cd "$dist" && ls -l --time-style=+ -- *)

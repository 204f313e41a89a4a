#!/usr/bin/env bash
# Usage: fetch-kernel.sh ARCH CACHE_DIR
#   ARCH: x86_64 or aarch64. Prints the path of the kernel image.
# Downloads (never installs) Debian's cloud kernel package for ARCH into
# CACHE_DIR and extracts its vmlinuz there; a later run reuses that image
# (delete CACHE_DIR/vmlinuz to fetch the newest). The package needs the
# apt lists of its architecture (arm64 is added by scripts/install-deps.sh).
set -euo pipefail

arch=${1:?usage: fetch-kernel.sh ARCH CACHE_DIR}
cache=${2:?usage: fetch-kernel.sh ARCH CACHE_DIR}
case $arch in
  x86_64) meta=linux-image-cloud-amd64 ;;
  aarch64) meta=linux-image-cloud-arm64:arm64 ;;
  *) echo "fetch-kernel.sh: unknown architecture '$arch'" >&2; exit 2 ;;
esac
mkdir -p "$cache"
kernel=$cache/vmlinuz
if [ -s "$kernel" ]; then echo "$kernel"; exit 0; fi

# The metapackage only depends on the versioned package that holds the image.
package=$(apt-cache depends --no-recommends --no-suggests "$meta" 2>/dev/null |
          awk '$1 == "Depends:" && $2 ~ /^linux-image-/ { print $2; exit }') || true
if [ -z "$package" ]; then
  echo "fetch-kernel.sh: apt knows no package $meta (for arm64: dpkg --add-architecture arm64; then apt-get update)" >&2
  exit 1
fi

work=$(mktemp -d "$cache/fetch.XXXXXX")
trap 'rm -rf "$work"' EXIT
# apt-get download writes into the current directory.
(cd "$work" && apt-get download -q "$package" >&2)
debs=("$work"/*.deb)
dpkg-deb -x "${debs[0]}" "$work/root"
images=("$work"/root/boot/vmlinuz-*)
[ -f "${images[0]}" ] || { echo "fetch-kernel.sh: no boot/vmlinuz-* in $package" >&2; exit 1; }
mv "${images[0]}" "$kernel"
dpkg-deb --show --showformat='${Package} ${Version} ${Architecture}\n' "${debs[0]}" > "$cache/kernel-package"
echo "$kernel"

#!/usr/bin/env bash
# Makes sure the Debian 12 image that the Dockerfile's builder stage starts
# FROM exists locally: uses it when present, else pulls it, else (no registry)
# builds it with debootstrap and `docker import`, under the same tag, so that
# only the first run pays for debootstrap.
#   usage: docker/debian-base.sh [TAG]   (default: debian:12)
set -euo pipefail
tag=${1:-debian:12}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
security_mirror=${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}

if docker image inspect "$tag" >/dev/null 2>&1; then
  exit 0
fi
if timeout 120 docker pull -q "$tag" >/dev/null 2>&1; then
  echo "debian-base: pulled $tag"
  exit 0
fi

echo "debian-base: $tag can be neither found nor pulled; making it with debootstrap"
rootfs=$(mktemp -d "${TMPDIR:-/tmp}/pidone-debian-base.XXXXXX")
trap 'rm -rf "$rootfs"' EXIT
debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$rootfs.log" 2>&1 ||
  { tail -n 20 "$rootfs.log" >&2; exit 1; }
rm -f "$rootfs.log"

# The same package sources as Debian's official debian:12 image, so the
# builder installs the same package versions as an up-to-date host.
rm -f "$rootfs/etc/apt/sources.list"
cat >"$rootfs/etc/apt/sources.list.d/debian.sources" <<SOURCES
Types: deb
URIs: $mirror
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $security_mirror
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*

tar -C "$rootfs" -c . | docker import --change 'CMD ["bash"]' - "$tag" >/dev/null
echo "debian-base: imported $tag ($(docker image inspect -f '{{.Size}}' "$tag") bytes)"

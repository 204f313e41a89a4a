#!/usr/bin/env bash
# Lays out the image's file tree, the same way for the Dockerfile's builder
# stage and for scripts/oci-image.py's reproducible assembly.
#   usage: docker/assemble-rootfs.sh BIN_DIR DEBS_DIR OUT_DIR
# BIN_DIR:        pidone and nologin of the target architecture;
# DEBS_DIR:       the pinned packages of docker/debian-files.txt
#                 (docker/fetch-debian-files.sh);
# OUT_DIR/rootfs: everything the minimal image holds (owners and modes set
#                 here; COPY --from and the OCI layer keep them);
# OUT_DIR/full:   what the full flavour adds: Debian's CA bundle and
#                 zoneinfo, with their packages' copyright files.
set -euo pipefail
bin_dir=$1
debs_dir=$2
out=$3
here=$(cd "$(dirname "$0")" && pwd)
nonroot=65532
export LC_ALL=C

rootfs=$out/rootfs
rm -rf "$rootfs" "$out/full" "$out/debs"
install -d -m 0755 "$rootfs" "$rootfs/bin" "$rootfs/sbin" "$rootfs/etc" "$rootfs/home" "$rootfs/var" \
  "$rootfs/usr" "$rootfs/usr/share" "$rootfs/usr/share/doc" "$rootfs/usr/share/doc/pidone"
install -d -m 1777 "$rootfs/tmp" "$rootfs/var/tmp"
install -d -m 0700 "$rootfs/root"
install -d -m 0750 -o "$nonroot" -g "$nonroot" "$rootfs/home/nonroot"
install -m 0755 "$bin_dir/pidone" "$rootfs/bin/pidone"
install -m 0755 "$bin_dir/nologin" "$rootfs/sbin/nologin"
install -m 0644 "$here/etc/passwd" "$here/etc/group" "$rootfs/etc/"
install -m 0644 "$here/../LICENSE" "$rootfs/usr/share/doc/pidone/LICENSE"

debs=$out/debs
mkdir -p "$debs"
for deb in "$debs_dir"/*.deb; do
  dpkg-deb -x "$deb" "$debs/$(dpkg-deb -f "$deb" Package)"
done
full=$out/full
install -d -m 0755 "$full/etc" "$full/etc/ssl" "$full/etc/ssl/certs" "$full/usr" "$full/usr/share" \
  "$full/usr/share/doc" "$full/usr/share/doc/ca-certificates" "$full/usr/share/doc/tzdata"
# The bundle update-ca-certificates would write: every certificate the
# package ships, in name order, each ending with a newline.
find "$debs/ca-certificates/usr/share/ca-certificates" -type f -name '*.crt' | sort |
  while read -r cert; do sed -e '$a\' "$cert"; done >"$full/etc/ssl/certs/ca-certificates.crt"
chmod 0644 "$full/etc/ssl/certs/ca-certificates.crt"
# OpenSSL/LibreSSL builds with OPENSSLDIR=/etc/ssl (Alpine's, most musl
# distributions') read cert.pem there; Go reads both paths.
ln -s certs/ca-certificates.crt "$full/etc/ssl/cert.pem"
cp -a "$debs/tzdata/usr/share/zoneinfo" "$full/usr/share/"
rm "$full/usr/share/zoneinfo/localtime"  # Debian's link to /etc/localtime: not in the image
chmod -R u=rwX,go=rX "$full/usr/share/zoneinfo"
for package in ca-certificates tzdata; do
  install -m 0644 "$debs/$package/usr/share/doc/$package/copyright" "$full/usr/share/doc/$package/"
done
rm -rf "$debs"

#!/usr/bin/env bash
# Runs in the Dockerfile's builder stage: lays out the image's file tree.
#   usage: docker/assemble-rootfs.sh BIN_DIR OUT_DIR
# OUT_DIR/rootfs: everything the minimal image holds (owners and modes set
#                 here; COPY --from keeps them);
# OUT_DIR/full:   what the full flavour adds (Debian's CA bundle and zoneinfo).
set -euo pipefail
bin_dir=$1
out=$2
here=$(cd "$(dirname "$0")" && pwd)
nonroot=65532

rootfs=$out/rootfs
rm -rf "$rootfs" "$out/full"
install -d -m 0755 "$rootfs" "$rootfs/bin" "$rootfs/sbin" "$rootfs/etc" "$rootfs/home" "$rootfs/var"
install -d -m 1777 "$rootfs/tmp" "$rootfs/var/tmp"
install -d -m 0700 "$rootfs/root"
install -d -m 0750 -o "$nonroot" -g "$nonroot" "$rootfs/home/nonroot"
install -m 0755 "$bin_dir/pidone" "$rootfs/bin/pidone"
install -m 0755 "$bin_dir/nologin" "$rootfs/sbin/nologin"
install -m 0644 "$here/etc/passwd" "$here/etc/group" "$rootfs/etc/"

full=$out/full
install -d -m 0755 "$full/etc/ssl/certs" "$full/usr/share"
install -m 0644 /etc/ssl/certs/ca-certificates.crt "$full/etc/ssl/certs/"
# OpenSSL/LibreSSL builds with OPENSSLDIR=/etc/ssl (Alpine's, most musl
# distributions') read cert.pem there; Go reads both paths.
ln -s certs/ca-certificates.crt "$full/etc/ssl/cert.pem"
cp -a /usr/share/zoneinfo "$full/usr/share/"
rm "$full/usr/share/zoneinfo/localtime"  # Debian's link to /etc/localtime: not in the image

#!/usr/bin/env bash
# Builds the peers as users who care about size and start-up get them: static
# musl binaries of dumb-init 1.2.5, tini 0.19.0 and catatonit 0.1.7, from
# Debian 12's source packages, with `musl-gcc -static -Os`, stripped.
#   usage: bench/static-peers.sh OUTPUT_DIR
# Writes OUTPUT_DIR/{dumb-init,tini,catatonit}-static and keeps them: a
# rerun with the binaries present does nothing. Sources go to build/bench/src.
# Needs root the first time (it adds a deb-src entry and runs apt-get update).
set -euo pipefail
shopt -s inherit_errexit
root=$(cd "$(dirname "$0")/.." && pwd)
out=$1
src=$root/build/bench/src
peers=(dumb-init tini catatonit)

missing=0
for name in "${peers[@]}"; do [ -x "$out/$name-static" ] || missing=1; done
[ $missing = 1 ] || exit 0
mkdir -p "$out" "$src"

# The deb entry's mirror and keyring, for source packages of bookworm.
list=/etc/apt/sources.list.d/pidone-bench-src.sources
if ! grep -rqs '^Types:.*deb-src' /etc/apt/sources.list.d/ && ! grep -qs '^deb-src ' /etc/apt/sources.list; then
  cat >"$list" <<'EOF'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  apt-get update -q >/dev/null
fi

cd "$src"
for name in "${peers[@]}"; do
  # dumb-init's Debian diff is missing from the mirror, so apt-get fails
  # after fetching the .orig tarball, which is all the build needs.
  ls "$name"_*.orig.tar.* >/dev/null 2>&1 || apt-get source -q --download-only "$name" >/dev/null 2>&1 || true
  tarball=$(ls "$name"_*.orig.tar.* 2>/dev/null | head -n 1)
  [ -n "$tarball" ] || { echo "bench/static-peers.sh: no source for $name" >&2; exit 1; }
  rm -rf "$name" && mkdir "$name" && tar -xf "$tarball" -C "$name" --strip-components=1
done

# The headers their own build systems would generate, by the same rules.
sed -e 's/@tini_VERSION_MAJOR@/0/; s/@tini_VERSION_MINOR@/19/; s/@tini_VERSION_PATCH@/0/; s/@tini_VERSION_GIT@//' \
  tini/src/tiniConfig.h.in >tini/src/tiniConfig.h
sed -e 's/@PACKAGE_NAME@/catatonit/; s/@PACKAGE_VERSION@/0.1.7/; s/@PACKAGE_BUGREPORT@//; s/@PACKAGE_URL@//' \
  catatonit/config.h.in >catatonit/config.h

declare -A source=([dumb-init]=dumb-init/dumb-init.c [tini]=tini/src/tini.c [catatonit]=catatonit/catatonit.c)
for name in "${peers[@]}"; do
  musl-gcc -static -Os -std=gnu99 -o "$out/$name-static" "${source[$name]}"
  strip --strip-all "$out/$name-static"
done

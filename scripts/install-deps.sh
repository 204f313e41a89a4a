#!/usr/bin/env bash
# Installs, with apt, the Debian packages of scripts/debian-packages.txt that
# a purpose needs and that are missing. Needs root (or sudo) on Debian 12.
#   usage: scripts/install-deps.sh [--list] [toolchain|build|test]
#   toolchain: the static presets; build: also the images and the demo
#   (./build.sh); test: everything (./test.sh; the default).
#   --list prints the purpose's packages, one a line, and installs nothing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
sections=(toolchain build test)
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
usage() { echo "usage: $0 [--list] [toolchain|build|test]" >&2; exit 2; }

list=false
if [ "${1:-}" = --list ]; then list=true; shift; fi
purpose=${1:-test}
[ $# -le 1 ] || usage
# The sections up to and including the purpose's, as an awk regexp.
wanted_sections=
for section in "${sections[@]}"; do
  wanted_sections+="${wanted_sections:+|}$section"
  [ "$section" = "$purpose" ] && break
done
[ "$section" = "$purpose" ] || usage

packages=$(awk -v wanted="^($wanted_sections)\$" '
  /^## [a-z]+:/ { section = substr($2, 1, length($2) - 1); next }
  /^[[:space:]]*(#|$)/ { next }
  section == "" { print FILENAME ": a package before the first section: " $0 > "/dev/stderr"; exit 1 }
  section ~ wanted { print $1 }' "$here/debian-packages.txt")
mapfile -t wanted <<<"$packages"
if $list; then
  printf '%s\n' "${wanted[@]}"
  exit 0
fi

missing=()
for pkg in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if printf '%s\n' "${missing[@]}" | grep -q ':arm64$' &&
   ! dpkg --print-foreign-architectures | grep -qx arm64; then
  as_root dpkg --add-architecture arm64
fi
echo "installing ($purpose): ${missing[*]}"
as_root apt-get update -q
as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"

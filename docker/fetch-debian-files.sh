#!/usr/bin/env bash
# Downloads the pinned Debian packages of docker/debian-files.txt (apt checks
# them against the archive's signed indexes) into DIR, once: a package
# already there is not fetched again.
#   usage: docker/fetch-debian-files.sh DIR
set -euo pipefail
dir=$1
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$dir"
cd "$dir"
while read -r package version _; do
  case "$package" in ''|'#'*) continue ;; esac
  ls "${package}_${version//:/%3a}_"*.deb >/dev/null 2>&1 && continue
  if ! apt-get download -q "$package=$version" >/dev/null 2>"$package.log"; then
    # The first attempt on a machine whose package lists are stale or absent.
    apt-get update -q >/dev/null
    apt-get download -q "$package=$version" >/dev/null 2>"$package.log" ||
      { cat "$package.log" >&2; exit 1; }
  fi
  rm -f "$package.log"
done <"$here/debian-files.txt"

#!/usr/bin/env bash
# Measures what the Quick start's first runs spend installing Debian
# packages, without touching this machine's packages: in a throwaway
# container of the Debian 12 base (docker/debian-base.sh; its apt lists
# empty, as after a fresh install), times `scripts/install-deps.sh build`
# (./build.sh's) and then `test` (what ./test.sh adds), and counts what each
# installs. Needs a Docker engine (scripts/docker-engine.sh start) and the
# network.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
docker/debian-base.sh debian:12
docker run --rm --network host --label pidone-test=measure-first-run \
    -v "$root/scripts:/pidone/scripts:ro" debian:12 bash -c '
  set -euo pipefail
  installed() { dpkg-query -W -f="\${Status}\n" | grep -c "install ok installed"; }
  for purpose in build test; do
    before=$(installed)
    start=$(date +%s)
    /pidone/scripts/install-deps.sh "$purpose" >"/tmp/$purpose.log" 2>&1 ||
      { tail -n 20 "/tmp/$purpose.log" >&2; exit 1; }
    seconds=$(( $(date +%s) - start ))
    download=$(sed -n "s/^Need to get \([^ ]* [kMG]*B\).*/\1/p" "/tmp/$purpose.log")
    disk=$(sed -n "s/^After this operation, \([^ ]* [kMG]*B\).*/\1/p" "/tmp/$purpose.log")
    echo "install-deps.sh $purpose: $((seconds / 60)) min $((seconds % 60)) s," \
      "$(( $(installed) - before )) packages, $download to download, $disk on disk"
  done'

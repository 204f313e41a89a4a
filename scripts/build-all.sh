#!/usr/bin/env bash
# Installs what is missing (Debian 12) for a purpose and builds its CMake
# presets, each checked by the build itself (static, size budget, smoke test).
#   usage: scripts/build-all.sh [build|test]
#   build: the static x86_64 and aarch64 binaries (./build.sh);
#   test:  those and the host preset, the unit tests (./test.sh; the default).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
purpose=${1:-test}
case "$purpose" in
  build) presets=(x86_64 aarch64) ;;
  test) presets=(x86_64 aarch64 host) ;;
  *) echo "usage: $0 [build|test]" >&2; exit 2 ;;
esac
scripts/install-deps.sh "$purpose"
for preset in "${presets[@]}"; do
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j "$(nproc)"
done

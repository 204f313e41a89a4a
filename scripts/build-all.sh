#!/usr/bin/env bash
# Installs what is missing (Debian 12) and builds every CMake preset: the host
# unit tests, and the static x86_64 and aarch64 binaries, each checked by the
# build itself (static, size budget, smoke test).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
scripts/install-deps.sh
for preset in host x86_64 aarch64; do
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j "$(nproc)"
done

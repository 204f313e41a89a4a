#!/usr/bin/env bash
# Quick start, step 1 (Debian 12, as root or with sudo): installs what is
# missing, builds everything for x86_64 and aarch64 (binaries and Docker
# images), and shows it working.
set -euo pipefail
cd "$(dirname "$0")"
scripts/build-all.sh
scripts/binfmt-aarch64.sh
scripts/docker-engine.sh start
trap 'scripts/docker-engine.sh stop' EXIT
scripts/build-images.sh
scripts/demo.sh

#!/usr/bin/env bash
# Quick start, step 1 (Debian 12, as root or with sudo): installs what
# building and the demonstration need, builds pidone for x86_64 and aarch64
# (binaries and Docker images), and shows it working.
set -euo pipefail
cd "$(dirname "$0")"
scripts/build-all.sh build
# Before anything that runs an aarch64 program directly: the arm64 images
# and the demonstration.
scripts/binfmt-aarch64.sh
engine=$(scripts/docker-engine.sh start)
trap 'scripts/docker-engine.sh stop "$engine"' EXIT
scripts/build-images.sh
scripts/demo.sh

#!/usr/bin/env bash
# Quick start, step 2 (Debian 12, as root or with sudo): installs what is
# missing, builds, and runs every test: the unit tests, then the integration
# suite (processes, Docker, micro-VMs, release files) for x86_64 and aarch64,
# and the benchmark in its quick mode.
# With CI=true or PIDONE_REQUIRE_ALL=1, a test that would be skipped for want
# of something on the machine (aarch64 emulation, ...) fails instead.
set -euo pipefail
cd "$(dirname "$0")"
scripts/build-all.sh
ctest --preset host -j "$(nproc)"
scripts/binfmt-aarch64.sh
scripts/docker-engine.sh start
trap 'scripts/docker-engine.sh stop' EXIT
/usr/bin/python3 -m pytest integration
bench/run.sh --quick

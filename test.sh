#!/usr/bin/env bash
# Quick start, step 2 (Debian 12, as root or with sudo): installs what is
# missing, builds, and runs every test: the unit tests (also under ASan and
# UBSan), clang-format, clang-tidy and cppcheck, a minute of fuzzing, the benchmark in its
# quick mode, then the integration suite (processes, stress, valgrind, Docker,
# micro-VMs, release files) for x86_64 and aarch64.
# With CI=true or PIDONE_REQUIRE_ALL=1, a test that would be skipped for want
# of something on the machine (aarch64 emulation, ...) fails instead.
set -euo pipefail
cd "$(dirname "$0")"
scripts/build-all.sh test
ctest --preset host -j "$(nproc)"
scripts/lint.sh
cmake --preset asan >/dev/null
cmake --build --preset asan -j "$(nproc)"
ctest --preset asan -j "$(nproc)"
scripts/fuzz.sh 60
bench/run.sh --quick
# Before pytest, whose aarch64 tests run the aarch64 programs directly.
scripts/binfmt-aarch64.sh
engine=$(scripts/docker-engine.sh start)
trap 'scripts/docker-engine.sh stop "$engine"' EXIT
/usr/bin/python3 -m pytest integration

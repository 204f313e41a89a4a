#!/usr/bin/env bash
# Builds the libFuzzer target fuzz/parse_fuzzer.cpp (pidone's command-line,
# environment and signal-name parsers, with ASan and UBSan) and runs it for
# SECONDS (default 60), starting from the seed corpus in fuzz/corpus.
# Fails on any crash, leak, undefined behaviour or failed check; the input
# that triggered it is left in build/fuzz/ (crash-*, leak-*, ...).
#
# Usage: scripts/fuzz.sh [SECONDS]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-60}
out=$root/build/fuzz
mkdir -p "$out/corpus"

core_sources=(options.cpp signals.cpp text.cpp log.cpp)
clang++ -std=c++20 -g -O1 -fno-exceptions -fno-rtti -Wall -Wextra -Wshadow -Wconversion -Werror \
  -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer \
  -I "$root/src" "$root/fuzz/parse_fuzzer.cpp" "${core_sources[@]/#/$root/src/}" \
  -o "$out/parse_fuzzer"

# -close_fd_mask=2: the parser writes its error lines to stderr; libFuzzer
# keeps its own (and the sanitizers') reports on a copy of it. New inputs go
# to build/fuzz/corpus; the seeds in the repository are only read.
cd "$out"
./parse_fuzzer -max_total_time="$seconds" -close_fd_mask=2 -timeout=10 -rss_limit_mb=2048 \
  -max_len=4096 -dict="$root/fuzz/pidone.dict" -print_final_stats=1 \
  -artifact_prefix="$out/" corpus "$root/fuzz/corpus"

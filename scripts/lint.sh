#!/usr/bin/env bash
# Static checks of the core, failing on any finding:
#   clang-format  src/ and fuzz/ match .clang-format
#   clang-tidy    src/ with the checks of .clang-tidy, compiled as the host
#                 preset compiles it (its compile_commands.json)
#   cppcheck      src/, every check enabled
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
sources=(src/*.cpp)
headers=(src/*.hpp)

echo "== clang-format"
clang-format --dry-run -Werror "${sources[@]}" "${headers[@]}" fuzz/*.cpp

echo "== clang-tidy"
[ -f build/host/compile_commands.json ] || cmake --preset host >/dev/null
# (its "N warnings generated" lines count warnings in system headers, not shown)
clang-tidy -p build/host --quiet "${sources[@]}" 2> >(grep -v "warnings generated" >&2)

echo "== cppcheck"
# Suppressed everywhere: missingIncludeSystem (cppcheck does not need the C
# library's headers to check the code); useStlAlgorithm (the static build
# has no <algorithm>: libstdc++'s headers do not compile on musl).
# The few other suppressions are inline (cppcheck-suppress), with a reason.
cppcheck --enable=all --inconclusive --std=c++20 --language=c++ --error-exitcode=1 --inline-suppr --quiet \
  -I src --suppress=missingIncludeSystem --suppress=useStlAlgorithm src/

echo "lint: no findings"

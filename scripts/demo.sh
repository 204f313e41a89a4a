#!/usr/bin/env bash
# Shows the freshly built pidone at work, on x86_64 and (under qemu-user)
# aarch64: its version, sizes, exit status, and signal forwarding.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

show() { printf '\n$ %s\n' "$*"; "$@"; echo "(exit status $?)"; }
# Waits up to 10 s for a line starting with $2 in file $1.
wait_line() { timeout 10 bash -c 'until grep -q "^$2" "$1"; do sleep 0.05; done' _ "$1" "$2"; }

for arch in x86_64 aarch64; do
  bin=build/$arch/bin
  run=()
  [ "$arch" = aarch64 ] && run=(qemu-aarch64-static)
  printf '\n== %s: pidone %s bytes, nologin %s bytes\n' "$arch" "$(stat -c %s $bin/pidone)" "$(stat -c %s $bin/nologin)"
  show "${run[@]}" $bin/pidone --version
  show "${run[@]}" $bin/pidone -- $bin/testapp exit 3
  show "${run[@]}" $bin/pidone -- $bin/testapp kill 15
  show "${run[@]}" $bin/pidone -- /no/such/program
done

bin=build/x86_64/bin
printf '\n$ pidone -v -- testapp slow-term 0.2   # then: kill -USR1, kill -TERM\n'
out=$(mktemp)
$bin/pidone -v -- $bin/testapp slow-term 0.2 >"$out" &
pid=$!
wait_line "$out" ready
kill -USR1 $pid
wait_line "$out" "signal 10"
kill -TERM $pid
wait $pid
status=$?
cat "$out"
echo "(exit status $status)"
rm -f "$out"

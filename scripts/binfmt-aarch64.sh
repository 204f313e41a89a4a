#!/usr/bin/env bash
# Registers qemu-user for aarch64 ELF binaries in binfmt_misc, with the F
# (fix binary) flag so the interpreter is opened now and also works inside
# other mount namespaces, chroots and containers. Idempotent; needs root and
# Debian's qemu-user-static (scripts/install-deps.sh installs it).
set -euo pipefail

binfmt=/proc/sys/fs/binfmt_misc
conf=/usr/lib/binfmt.d/qemu-aarch64.conf
name=qemu-aarch64

if [ "$(id -u)" != 0 ]; then
  echo "binfmt-aarch64: must run as root" >&2
  exit 1
fi
if [ ! -e "$binfmt/register" ]; then
  mount -t binfmt_misc binfmt_misc "$binfmt"
fi
if [ -e "$binfmt/$name" ]; then
  if grep -qx enabled "$binfmt/$name" && grep -q '^flags:.*F' "$binfmt/$name"; then
    exit 0
  fi
  echo -1 > "$binfmt/$name"  # wrong flags or disabled: register it again
fi
if [ ! -r "$conf" ]; then
  echo "binfmt-aarch64: $conf is missing (install qemu-user-static)" >&2
  exit 1
fi
# The conf line is ":name:type:offset:magic:mask:interpreter:flags".
rule=$(grep -v '^#' "$conf" | head -n 1)
flags=${rule##*:}
case "$flags" in *F*) ;; *) rule="${rule}F" ;; esac
printf '%s' "$rule" > "$binfmt/register"
grep -qx enabled "$binfmt/$name"

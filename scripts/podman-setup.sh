#!/usr/bin/env bash
# Prepares Podman for the tests (run as root): containers.conf without
# default ulimits, and an unprivileged user for rootless Podman.
#   scripts/podman-setup.sh [USER]      (USER defaults to pidone-rootless)
# Idempotent; says what it changes. Prints nothing else on stdout but the
# user's XDG_RUNTIME_DIR on its last line.
#
# Why the ulimits: Podman asks the OCI runtime to set RLIMIT_NOFILE and
# RLIMIT_NPROC in every container, which fails where root lacks
# CAP_SYS_RESOURCE ("error setting rlimit type 7: operation not permitted").
set -euo pipefail

user=${1:-pidone-rootless}
conf=/etc/containers/containers.conf
subordinate_count=65536  # the images' user 65532 must fit in the range

say() { echo "podman-setup: $*" >&2; }

# containers.conf: `default_ulimits = []` in [containers], unless present.
mkdir -p /etc/containers
if [[ ! -e $conf ]]; then
  printf '[containers]\ndefault_ulimits = []\n' >"$conf"
  say "created $conf with [containers] default_ulimits = []"
elif ! grep -Eq '^[[:space:]]*default_ulimits[[:space:]]*=' "$conf"; then
  if grep -Eq '^[[:space:]]*\[containers\]' "$conf"; then
    sed -i '0,/^[[:space:]]*\[containers\]/s//&\ndefault_ulimits = []/' "$conf"
  else
    printf '\n[containers]\ndefault_ulimits = []\n' >>"$conf"
  fi
  say "added default_ulimits = [] to [containers] in $conf"
else
  say "$conf already sets default_ulimits: left as it is"
fi

# The rootless user, with subordinate ids past every range already given.
if ! id -u "$user" >/dev/null 2>&1; then
  useradd --create-home --shell /usr/sbin/nologin "$user"
  say "created user $user"
fi
home=$(getent passwd "$user" | cut -d: -f6)
for kind in uid gid; do
  file=/etc/sub$kind
  touch "$file"
  if ! grep -q "^$user:" "$file"; then
    start=$(awk -F: 'BEGIN { end = 100000 } { if ($2 + $3 > end) end = $2 + $3 } END { print end }' "$file")
    echo "$user:$start:$subordinate_count" >>"$file"
    say "gave $user the sub${kind}s $start..$((start + subordinate_count - 1)) in $file"
  fi
done

# No systemd user session here: cgroupfs, events in a file.
user_conf="$home/.config/containers/containers.conf"
if [[ ! -e $user_conf ]]; then
  install -d -o "$user" -g "$user" "$home/.config" "$home/.config/containers"
  printf '[engine]\ncgroup_manager = "cgroupfs"\nevents_logger = "file"\n' >"$user_conf"
  chown "$user:" "$user_conf"
  say "created $user_conf (cgroupfs, file events: no systemd user session)"
fi

runtime_dir=/run/user/$(id -u "$user")
if [[ ! -d $runtime_dir ]]; then
  install -d -m 0700 -o "$user" -g "$user" "$runtime_dir"
  say "created XDG_RUNTIME_DIR $runtime_dir"
fi
echo "$runtime_dir"

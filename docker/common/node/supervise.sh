#!/bin/sh
# supervise: a faultline node's server under a supervisor, for runs with storage faults. tini is
# PID 1, this script its child, the server ours. It mounts lazyfs over the data directory when
# asked (FAULTLINE_LAZYFS_STORE, FAULTLINE_LAZYFS_MNT), starts the server, and when the server
# exits (crashed, or killed by `node-ctl stop`) records how and waits for `node-ctl start`.
# So the container, its mounts (lazyfs with its undo state, a small tmpfs) and everything in
# them outlive the server: a power failure can kill the server alone, lose what was never
# fsynced, and start it again; a server that cannot start on damaged files stays down instead of
# looping. State for node-ctl lives in /run/faultline.
# Usage: supervise COMMAND [ARG...]
set -u
S=/run/faultline
LIB=/usr/local/lib/faultline
mkdir -p "$S" /var/log/faultline
[ -p "$S/ctl" ] || mkfifo "$S/ctl"
echo $$ > "$S/supervisor.pid"
state() { printf '%s\n' "$*" > "$S/state.tmp" && mv "$S/state.tmp" "$S/state"; }
now() { date +%s.%N; }

if [ -n "${FAULTLINE_LAZYFS_MNT:-}" ]; then
  store=$FAULTLINE_LAZYFS_STORE
  mnt=$FAULTLINE_LAZYFS_MNT
  mkdir -p "$store" "$mnt"
  # The image made the data directory for its server (owner, mode): the mount keeps them.
  owner=$(stat -c %u:%g "$mnt")
  mode=$(stat -c %a "$mnt")
  "$LIB/lazyfs" -f "$store" "$mnt" 2>>/var/log/faultline/lazyfs.log &
  echo $! > "$S/lazyfs.pid"
  i=0
  until [ -e "$mnt/.lazyfs-ctl" ]; do
    i=$((i + 1))
    if [ $i -gt 400 ] || ! kill -0 "$(cat "$S/lazyfs.pid")" 2>/dev/null; then
      echo "supervise: lazyfs did not mount $mnt: $(tail -n 5 /var/log/faultline/lazyfs.log)" >&2
      exit 70
    fi
    sleep 0.025
  done
  chown "$owner" "$mnt" && chmod "$mode" "$mnt"
fi

while :; do
  "$@" &
  pid=$!
  state running "$pid" "$(now)"
  wait "$pid"
  code=$?
  state down "$code" "$(now)"
  # Blocks until node-ctl start writes to the pipe.
  read -r _ < "$S/ctl" || true
done

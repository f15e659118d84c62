#!/bin/sh
# node-ctl: what faultline runs inside a supervised node (docker exec) for storage faults.
# Output is `key=value` lines; the exit status is 0 unless the command itself could not work.
#   status               the server's state: running PID SINCE | down EXIT-CODE SINCE
#   stop                 SIGKILL every process of the node but tini, the supervisor and lazyfs,
#                        and wait until all are gone (what a power cut does to the database)
#   start                ask the supervisor to start the server again (no-op when it runs)
#   lazyfs [CMD]         lazyfs's counters, or: run CMD (power-fail, checkpoint) and show both
#   files DIR GLOB...    regular files matching the globs under DIR: size and path per line
#   flip FILE OFF BIT... flip bit BIT of byte OFF (pairs), then fsync the file
#   truncate FILE SIZE   cut FILE to SIZE bytes, then fsync it
#   fill DIR             fill DIR's file system with DIR/.faultline-ballast, then probe a write
#   free DIR             remove the ballast
set -u
S=/run/faultline
die() { echo "error=$*"; exit 1; }

# Every live process of the node that belongs to the server: not tini, the supervisor, lazyfs,
# the supervisor's own short-lived helpers (date, mv: killing one while it records the server's
# exit would leave the state at "running" for good), nor any `docker exec` session (a process
# with parent 0 and its process group: this command, a concurrent status).
victims() {
  sup=$(cat "$S/supervisor.pid" 2>/dev/null)
  keep=" 1 $sup $(cat "$S/lazyfs.pid" 2>/dev/null) "
  server=$(server_state | { read -r what pid _ && [ "$what" = running ] && echo "$pid"; })
  table=$(ps -e -o pid=,ppid=,pgid=,stat=)
  execs=" $(echo "$table" | while read -r p pp g st; do [ "$pp" = 0 ] && [ "$p" != 1 ] && printf '%s ' "$g"; done) "
  echo "$table" | while read -r p pp g st; do
    case "$keep" in *" $p "*) continue ;; esac
    case "$execs" in *" $g "*) continue ;; esac
    [ -n "$sup" ] && [ "$pp" = "$sup" ] && [ "$p" != "$server" ] && continue
    case "$st" in Z*) continue ;; esac
    echo "$p"
  done
}

server_state() { cat "$S/state" 2>/dev/null || echo unknown; }

case "${1:-}" in
status)
  echo "state=$(server_state)"
  ;;
stop)
  i=0
  while :; do
    v=$(victims)
    [ -z "$v" ] && break
    # shellcheck disable=SC2086
    kill -KILL $v 2>/dev/null
    i=$((i + 1))
    [ $i -gt 250 ] && die "processes survive SIGKILL: $(echo $v)"
    sleep 0.02
  done
  i=0
  until server_state | grep -q '^down '; do
    i=$((i + 1))
    [ $i -gt 500 ] && die "the supervisor did not see the server exit: $(server_state)"
    sleep 0.02
  done
  echo "state=$(server_state)"
  ;;
start)
  if server_state | grep -q '^down '; then
    before=$(server_state)
    timeout 10 sh -c 'echo start > "$1"' sh "$S/ctl" || die "the supervisor does not answer"
    i=0
    while [ "$(server_state)" = "$before" ]; do
      i=$((i + 1))
      [ $i -gt 500 ] && die "the supervisor did not start the server"
      sleep 0.02
    done
  fi
  echo "state=$(server_state)"
  ;;
lazyfs)
  ctl="${FAULTLINE_LAZYFS_MNT:?no lazyfs on this node}/.lazyfs-ctl"
  if [ -n "${2:-}" ]; then
    sed 's/^/before./' "$ctl" || die "cannot read $ctl"
    err=$( (echo "$2" > "$ctl") 2>&1)
    echo "rc=$?"
    [ -n "$err" ] && echo "stderr=$err"
    sed 's/^/after./' "$ctl"
  else
    cat "$ctl" || die "cannot read $ctl"
  fi
  ;;
files)
  cd "$2" || die "no directory $2"
  shift 2
  for g in "$@"; do
    # shellcheck disable=SC2086
    for f in $g; do [ -f "$f" ] && stat -c '%s %n' -- "$f"; done
  done
  true
  ;;
flip)
  f=$2
  shift 2
  [ -f "$f" ] || die "no file $f"
  while [ $# -ge 2 ]; do
    off=$1 bit=$2
    shift 2
    b=$(dd if="$f" bs=1 skip="$off" count=1 2>/dev/null | od -An -tu1 | tr -d ' \n')
    [ -n "$b" ] || die "offset $off is past the end of $f"
    n=$((b ^ (1 << bit)))
    # shellcheck disable=SC2059
    printf "$(printf '\\%03o' "$n")" | dd of="$f" bs=1 seek="$off" count=1 conv=notrunc 2>/dev/null || die "cannot write $f"
    echo "flip=$off $bit $b $n"
  done
  sync -- "$f" || die "cannot fsync $f"
  ;;
truncate)
  [ -f "$2" ] || die "no file $2"
  echo "size.before=$(stat -c %s -- "$2")"
  truncate -s "$3" -- "$2" || die "cannot truncate $2"
  sync -- "$2" || die "cannot fsync $2"
  echo "size.after=$(stat -c %s -- "$2")"
  ;;
fill)
  d=$2
  b="$d/.faultline-ballast"
  echo "avail.before=$(df -B1 --output=avail "$d" | tail -n 1 | tr -d ' ')"
  # fallocate takes every free block at once; dd tops up what it could not (tmpfs rounding).
  avail=$(df -B1 --output=avail "$d" | tail -n 1 | tr -d ' ')
  fallocate -l "$avail" "$b" 2>/dev/null || true
  dd if=/dev/zero of="$b" bs=64k oflag=append conv=notrunc 2>/dev/null || true
  echo "ballast=$(stat -c %s -- "$b" 2>/dev/null || echo 0)"
  echo "avail.after=$(df -B1 --output=avail "$d" | tail -n 1 | tr -d ' ')"
  if err=$(dd if=/dev/zero of="$d/.faultline-probe" bs=4096 count=1 2>&1); then
    echo "probe=written"
  else
    echo "probe=$(echo "$err" | head -n 1)"
  fi
  rm -f -- "$d/.faultline-probe"
  ;;
free)
  b="$2/.faultline-ballast"
  echo "ballast=$(stat -c %s -- "$b" 2>/dev/null || echo 0)"
  rm -f -- "$b" || die "cannot remove $b"
  echo "avail.after=$(df -B1 --output=avail "$2" | tail -n 1 | tr -d ' ')"
  ;;
*)
  die "usage: node-ctl status|stop|start|lazyfs [CMD]|files DIR GLOB...|flip FILE OFF BIT...|truncate FILE SIZE|fill DIR|free DIR"
  ;;
esac

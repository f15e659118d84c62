// Finding a run's processes on a machine: every process faultline starts there carries
// FAULTLINE_RUN=<run id> in its environment (inherited by its children), so they are found by
// that, never by name. These scripts run through `sh -c SCRIPT sh ARGS...`: their arguments
// arrive as positional parameters, never spliced into the script.

/**
 * `sh -c signalRunScript sh RUN SIGNAL`: sends SIGNAL to every process whose environment has
 * FAULTLINE_RUN=RUN (RUN may be '*': any run), prints how many there were.
 */
export const signalRunScript = `
n=0
for d in /proc/[0-9]*; do
  pid=\${d#/proc/}
  [ "$pid" = "$$" ] && continue
  run=$(tr '\\0' '\\n' < "$d/environ" 2>/dev/null | sed -n 's/^FAULTLINE_RUN=//p')
  [ -n "$run" ] || continue
  case "$run" in $1) ;; *) continue ;; esac
  kill -s "$2" "$pid" 2>/dev/null && n=$((n + 1))
done
echo $n
`;

/** `sh -c sweepChainsScript sh`: removes every faultline chain (FL-*) from the filter table. */
export const sweepChainsScript = `
n=0
for c in $(iptables -w 5 -S | sed -n 's/^-N \\(FL-[0-9a-f]*\\)$/\\1/p'); do
  while iptables -w 5 -D INPUT -j "$c" 2>/dev/null; do :; done
  iptables -w 5 -F "$c" && iptables -w 5 -X "$c" && n=$((n + 1))
done
echo $n
`;

// Who owns a run's resources: a token naming this host, its boot, and the owning process (pid
// and start time, so a recycled pid is not mistaken for the owner). Containers carry it as a
// label, node processes in their environment (FAULTLINE_RUN, FAULTLINE_OWNER), so `faultline
// sweep` can tell the debris of a dead run from a run still in progress.

import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

/** Environment variables that label a node process. */
export const RUN_ENV = 'FAULTLINE_RUN';
export const OWNER_ENV = 'FAULTLINE_OWNER';

export type OwnerState = 'alive' | 'gone' | 'unknown';

function bootId(): string {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return '';
  }
}

/** The process's start time in clock ticks since boot (field 22 of /proc/PID/stat), and its state. */
export function procStart(pid: number): { start: string; state: string } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // The command name (field 2) may hold spaces and parentheses: fields restart after the last ')'.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: rest[0] ?? '?', start: rest[19] ?? '' };
  } catch {
    return undefined;
  }
}

let self: string | undefined;

/** This process's owner token: `host/boot/pid/start`. */
export function ownerToken(pid = process.pid): string {
  if (pid === process.pid && self) return self;
  const t = [hostname(), bootId(), String(pid), procStart(pid)?.start ?? ''].map((s) => s.replace(/\//g, '_')).join('/');
  if (pid === process.pid) self = t;
  return t;
}

/** Whether the process a token names still runs; 'unknown' when it belongs to another host. */
export function ownerState(token: string | undefined): OwnerState {
  if (!token) return 'unknown';
  const [host, boot, pidS, start] = token.split('/');
  if (host === undefined || boot === undefined || pidS === undefined || start === undefined || !/^\d+$/.test(pidS)) return 'unknown';
  if (host !== hostname().replace(/\//g, '_')) return 'unknown';
  const nowBoot = bootId();
  if (boot && nowBoot && boot !== nowBoot) return 'gone'; // the machine rebooted since
  const p = procStart(Number(pidS));
  if (!p || p.state === 'Z' || p.state === 'X') return 'gone';
  if (start && p.start !== start) return 'gone'; // the pid was reused
  return 'alive';
}

// Noticing that the process that launched us went away. `npx faultline run` runs faultline as
// npm → `sh -c faultline` → node: npm forwards SIGINT/SIGTERM only to that shell, which dies
// without passing them on, and a SIGKILLed npm forwards nothing. Either way faultline and its
// nodes would run on as orphans. So when npm launched us, every ancestor up to the npm process is
// watched, and one disappearing is a stop request like SIGHUP (heal, tear down, keep the history).
// Outside npm nothing is watched: `nohup faultline run &` must outlive its shell.

import { readFileSync } from 'node:fs';
import { procStart } from './owner.js';
import { requestStop } from './signals.js';

interface Ancestor {
  pid: number;
  start: string;
  name: string;
}

function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    return Number.isInteger(ppid) && ppid > 0 ? ppid : undefined;
  } catch {
    return undefined;
  }
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0').filter(Boolean).join(' ');
  } catch {
    return '';
  }
}

/** npm's own processes: `npm exec …`, `npm run …`, or node running npm-cli.js / npx-cli.js. */
function isNpm(cmd: string): boolean {
  return /^(?:\S*\/)?np[mx](?:\s|$)/.test(cmd) || /\bnp[mx]-cli\.js\b/.test(cmd) || /\/npm\/bin\/np[mx]\b/.test(cmd);
}

/** Our ancestors up to and including the nearest npm process (at most 6 levels), or [] when npm did not launch us. */
export function npmAncestors(pid = process.pid): Ancestor[] {
  const chain: Ancestor[] = [];
  let cur = pid;
  for (let depth = 0; depth < 6; depth++) {
    const parent = parentOf(cur);
    if (parent === undefined || parent <= 1) return [];
    const start = procStart(parent)?.start ?? '';
    const name = cmdline(parent);
    chain.push({ pid: parent, start, name });
    if (isNpm(name)) return chain;
    cur = parent;
  }
  return [];
}

function gone(a: Ancestor): boolean {
  const p = procStart(a.pid);
  return !p || p.state === 'Z' || p.state === 'X' || p.start !== a.start;
}

/**
 * Starts watching when launched by npm (npm sets npm_lifecycle_event or npm_command for the
 * programs it runs); FAULTLINE_WATCH_PARENT=1 forces the watch, =0 turns it off.
 */
export function watchParent(opts: { intervalMs?: number; env?: NodeJS.ProcessEnv } = {}): (() => void) | undefined {
  const env = opts.env ?? process.env;
  if (env.FAULTLINE_WATCH_PARENT === '0') return undefined;
  const launchedByNpm = Boolean(env.npm_lifecycle_event || env.npm_command);
  if (!launchedByNpm && env.FAULTLINE_WATCH_PARENT !== '1') return undefined;
  let chain = npmAncestors();
  if (chain.length === 0) {
    // Forced, or npm not found among the ancestors: watch the direct parent at least.
    const ppid = process.ppid;
    if (ppid <= 1) return undefined;
    chain = [{ pid: ppid, start: procStart(ppid)?.start ?? '', name: cmdline(ppid) }];
  }
  const timer = setInterval(() => {
    const dead = chain.find(gone);
    if (!dead) return;
    clearInterval(timer);
    const what = isNpm(dead.name) ? 'npm' : (dead.name.split(' ')[0] ?? 'parent');
    requestStop({ signal: 'SIGHUP', reason: `the parent process (${what}, pid ${dead.pid}) exited` }, false);
  }, opts.intervalMs ?? 250);
  timer.unref();
  return () => clearInterval(timer);
}

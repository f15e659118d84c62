// Fault windows: the intervals a fault may have been in effect, paired from the nemesis ops of a
// history (a start op's invocation to its stop op's completion) by the test's window specs, or,
// for a history without them, by the usual op names (start-x/stop-x, kill/start, pause/resume,
// Jepsen's plain start/stop). One definition for the perf checker and the report, which must agree.

import type { History } from './history.js';
import type { FaultWindowSpec } from './protocols.js';

/** A shaded interval: a fault in effect from `start` to `end` (ns). */
export interface FaultWindow {
  name: string;
  color: string;
  start: number;
  end: number;
}

const PALETTE = ['#f4a261', '#e76f51', '#9b5de5', '#00bbf9', '#f15bb5', '#8ac926', '#ffca3a'];

/** Default window specs derived from the nemesis fs seen (start-x/stop-x, kill/start, pause/resume). */
export function defaultWindowSpecs(history: History): FaultWindowSpec[] {
  const fs = new Set<string>();
  for (const op of history) if (op.process === 'nemesis') fs.add(op.f);
  const specs: FaultWindowSpec[] = [];
  for (const f of fs) {
    const m = /^start-(.+)$/.exec(f);
    if (m && fs.has(`stop-${m[1]}`)) specs.push({ name: m[1]!, start: [f], stop: [`stop-${m[1]}`], color: '' });
  }
  if (fs.has('kill') && fs.has('start')) specs.push({ name: 'kill', start: ['kill'], stop: ['start'], color: '' });
  // Jepsen's classic nemeses (partitioner, clock scrambler) use plain :start / :stop.
  else if (fs.has('start') && fs.has('stop')) specs.push({ name: 'nemesis', start: ['start'], stop: ['stop'], color: '' });
  if (fs.has('pause') && fs.has('resume')) specs.push({ name: 'pause', start: ['pause'], stop: ['resume'], color: '' });
  specs.forEach((s, i) => (s.color = PALETTE[i % PALETTE.length]!));
  return specs;
}

/**
 * Pair nemesis ops into windows. A window opens at the invocation of a start op and closes at the
 * completion of the next stop op of the same spec, so the shading covers the whole time the fault
 * may have been in effect. A window never closed runs to the end of the history.
 */
export function faultWindows(history: History, specs?: FaultWindowSpec[]): FaultWindow[] {
  return faultWindowsOf(history.filter((op) => op.process === 'nemesis'), history.length ? history[history.length - 1]!.time : 0, specs);
}

/** faultWindows from the nemesis ops alone and the history's last time (a report streams the history). */
export function faultWindowsOf(nemesis: History, end: number, specs?: FaultWindowSpec[]): FaultWindow[] {
  const use = specs && specs.length ? specs : defaultWindowSpecs(nemesis);
  const out: FaultWindow[] = [];
  for (const spec of use) {
    let open: number | null = null;
    for (const op of nemesis) {
      if (op.process !== 'nemesis') continue;
      if (spec.start.includes(op.f) && op.type === 'invoke' && open === null) open = op.time;
      else if (spec.stop.includes(op.f) && op.type !== 'invoke' && open !== null) {
        out.push({ name: spec.name, color: spec.color || PALETTE[0]!, start: open, end: op.time });
        open = null;
      }
    }
    if (open !== null) out.push({ name: spec.name, color: spec.color || PALETTE[0]!, start: open, end });
  }
  return out.sort((a, b) => a.start - b.start);
}


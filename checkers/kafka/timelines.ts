// Per-key offset timelines for the report (after Jepsen's Kafka order views): for a few keys
// (those with anomalies first), a window of offsets as columns and the sends and polls that
// touched them as rows, each cell the message that op put or saw at that offset, and the offsets
// where something is wrong marked with what. Plain JSON; the report draws it as text.

import { show } from '../op-pairs.js';
import type { PollOp, SendOp } from './ops.js';
import type { KeyLog } from './analysis.js';

export interface OffsetTimelineRow {
  index: number;
  process: number;
  f: 'send' | 'poll';
  final?: boolean;
  /** [offset, message as shown] for the offsets in the window. */
  cells: Array<[number, string]>;
}

export interface OffsetTimeline {
  key: string;
  /** The offsets shown (a window of the key's known offsets), ascending. */
  offsets: number[];
  /** Offset → what is wrong there ('lost', 'inconsistent', 'duplicate', 'skipped', ...). */
  problems: Record<string, string[]>;
  rows: OffsetTimelineRow[];
  /** How many offsets and rows the key has in all (the window may show fewer). */
  totalOffsets: number;
  totalRows: number;
}

interface Cases {
  lost: Array<{ key: string; offset: number; send: number; evidence: number }>;
  inconsistent: Array<{ key: string; offset: number; ops: number[] }>;
  duplicates: Array<{ key: string; offsets: number[]; ops: number[] }>;
  gaps: Array<{ key: string; poll: number; skipped: number[] }>;
  nonmonotonic: Array<{ key: string; poll: number; offsets: number[] }>;
  nonmonotonicSends: Array<{ key: string; earlier: number; later: number; offsets: [number, number] }>;
}

const MAX_KEYS = 6;
const MAX_OFFSETS = 48;
const MAX_ROWS = 60;

export function offsetTimelines(logs: Map<string, KeyLog>, sends: SendOp[], polls: PollOp[], cases: Cases): OffsetTimeline[] {
  const problems = new Map<string, Map<number, Set<string>>>();
  const involved = new Set<number>();
  const mark = (k: string, o: number, what: string) => {
    let m = problems.get(k);
    if (!m) problems.set(k, (m = new Map()));
    let s = m.get(o);
    if (!s) m.set(o, (s = new Set()));
    s.add(what);
  };
  for (const x of cases.lost) (mark(x.key, x.offset, 'lost'), involved.add(x.send), involved.add(x.evidence));
  for (const x of cases.inconsistent) (mark(x.key, x.offset, 'inconsistent'), x.ops.forEach((i) => involved.add(i)));
  for (const x of cases.duplicates) (x.offsets.forEach((o) => mark(x.key, o, 'duplicate')), x.ops.forEach((i) => involved.add(i)));
  for (const x of cases.gaps) (x.skipped.forEach((o) => mark(x.key, o, 'skipped')), involved.add(x.poll));
  for (const x of cases.nonmonotonic) (x.offsets.forEach((o) => mark(x.key, o, 'nonmonotonic poll')), involved.add(x.poll));
  for (const x of cases.nonmonotonicSends) (x.offsets.forEach((o) => mark(x.key, o, 'nonmonotonic send')), involved.add(x.earlier), involved.add(x.later));

  const keys = [...logs.keys()].sort((a, b) => (problems.get(b)?.size ?? 0) - (problems.get(a)?.size ?? 0) || (a < b ? -1 : a > b ? 1 : 0));
  return keys.slice(0, MAX_KEYS).map((k) => {
    const known = logs.get(k)!.known;
    const bad = problems.get(k);
    // A window of offsets: around the first problem, else the start of the log.
    const first = bad && bad.size ? known.indexOf(Math.min(...bad.keys())) : 0;
    const start = Math.max(0, Math.min(first - 8, known.length - MAX_OFFSETS));
    const offsets = known.slice(start, start + MAX_OFFSETS);
    const lo = offsets[0] ?? 0;
    const hi = offsets[offsets.length - 1] ?? -1;
    const inWindow = (o: number) => o >= lo && o <= hi;
    const rows: OffsetTimelineRow[] = [];
    for (const s of sends) {
      if (s.key === k && s.offset !== null && inWindow(s.offset)) rows.push({ index: s.rec.index, process: s.rec.process, f: 'send', cells: [[s.offset, show(s.msg, 16)]] });
    }
    for (const p of polls) {
      const pairs = (p.msgs.get(k) ?? []).filter(([o]) => inWindow(o));
      if (pairs.length) rows.push({ index: p.rec.index, process: p.rec.process, f: 'poll', ...(p.final ? { final: true } : {}), cells: pairs.map(([o, m]) => [o, show(m, 16)]) });
    }
    rows.sort((a, b) => a.index - b.index);
    // Keep the rows that show anomalies, then the earliest others.
    const keep = new Set(rows.filter((r) => involved.has(r.index)).slice(0, MAX_ROWS).map((r) => r.index));
    for (const r of rows) if (keep.size < MAX_ROWS) keep.add(r.index);
    const shown = rows.filter((r) => keep.has(r.index));
    const probs: Record<string, string[]> = {};
    for (const [o, s] of bad ?? []) if (inWindow(o)) probs[String(o)] = [...s];
    return { key: k, offsets, problems: probs, rows: shown, totalOffsets: known.length, totalRows: rows.length };
  });
}

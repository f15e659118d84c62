// Availability of a recorded run, for benchmarks: ops per thread, and the ok fraction of client
// ops inside and outside the windows in which no majority of the cluster could be reached.
//
// "A majority can be reached" means what a leader-based protocol (Raft) needs to make progress:
// some live node exchanges messages in both directions with a majority of the cluster (itself
// included), counting only live nodes. A partition that leaves every node on a minority side, a
// kill of a majority, or a partition and a kill that together leave no such node, open a
// no-majority window. Faults are taken to act from their invocation to their completion's end
// (the nemesis records both), so a window covers the whole uncertain span.

import type { Op } from '../src/history.js';

export type Grudge = Record<string, string[]>;

export interface Window {
  /** ns since test start. */
  start: number;
  end: number;
}

export interface Availability {
  /** Client ops (completed) by thread (process mod concurrency). */
  perThread: number[];
  /** Client ops completed in total. */
  ops: number;
  /** Client invocations per second over the workload phase (`workloadS` from the first one). */
  offeredPerS: number;
  /** The same, counting only the part of the workload phase outside no-majority windows. */
  offeredOutsidePerS: number;
  /** Windows with no majority reachable. */
  noMajority: Window[];
  inside: { ops: number; ok: number };
  outside: { ops: number; ok: number };
  /** Outside the windows, ops whose client's node itself reached a majority throughout. */
  connected: { ops: number; ok: number };
  /** Completions by error text (fail and info), outside the windows. */
  errorsOutside: Record<string, number>;
}

/** True when some live node can exchange messages with a majority of `nodes` (itself included). */
export function majorityReachable(nodes: readonly string[], dead: ReadonlySet<string>, grudge: Grudge): boolean {
  return reaching(nodes, dead, grudge).size > 0;
}

interface FaultEvent {
  /** When the change may first act (invoke) and when it surely has (completion). */
  from: number;
  to: number;
  apply: (s: { dead: Set<string>; grudge: Grudge }) => void;
}

/** The fault changes a history records, from the nemesis's invocations and completions. */
function faultEvents(history: readonly Op[]): FaultEvent[] {
  const events: FaultEvent[] = [];
  let invokedAt = 0;
  for (const op of history) {
    if (op.process !== 'nemesis') continue;
    if (op.type === 'invoke') {
      invokedAt = op.time;
      continue;
    }
    const v = op.value as unknown;
    const ev = (apply: FaultEvent['apply']): void => void events.push({ from: invokedAt, to: op.time, apply });
    if (op.f === 'start-partition' && v && typeof v === 'object' && 'grudge' in v) {
      const g = (v as { grudge: Grudge }).grudge;
      ev((s) => { s.grudge = g; });
    } else if (op.f === 'stop-partition') {
      ev((s) => { s.grudge = {}; });
    } else if (op.f === 'kill' && v && typeof v === 'object' && Array.isArray((v as { nodes?: unknown }).nodes)) {
      const nodes = (v as { nodes: string[] }).nodes;
      ev((s) => { for (const n of nodes) s.dead.add(n); });
    } else if (op.f === 'start' && Array.isArray(v)) {
      const nodes = v as string[];
      ev((s) => { for (const n of nodes) s.dead.delete(n); });
    } else if (op.f === 'start' && v === 'all') {
      ev((s) => { s.dead.clear(); });
    }
  }
  return events;
}

/** The fault state between changes: `reach(node?)` during a change holds only if it held before and after. */
interface Segment {
  start: number;
  end: number;
  /** Some live node reaches a majority. */
  cluster: boolean;
  /** Live nodes that themselves reach a majority. */
  nodes: ReadonlySet<string>;
}

function timeline(history: readonly Op[], nodes: readonly string[]): Segment[] {
  const state = { dead: new Set<string>(), grudge: {} as Grudge };
  const snapshot = (): { cluster: boolean; nodes: Set<string> } => ({
    cluster: majorityReachable(nodes, state.dead, state.grudge),
    nodes: reaching(nodes, state.dead, state.grudge),
  });
  const segs: Segment[] = [];
  let cur = snapshot();
  let t = -Infinity;
  for (const e of faultEvents(history)) {
    segs.push({ start: t, end: e.from, ...cur });
    e.apply(state);
    const next = snapshot();
    // While the change is under way, only what holds both before and after holds.
    segs.push({ start: e.from, end: e.to, cluster: cur.cluster && next.cluster, nodes: new Set([...cur.nodes].filter((n) => next.nodes.has(n))) });
    cur = next;
    t = e.to;
  }
  segs.push({ start: t, end: Infinity, ...cur });
  return segs;
}

/** Live nodes that exchange messages with a majority (themselves included). */
function reaching(nodes: readonly string[], dead: ReadonlySet<string>, grudge: Grudge): Set<string> {
  const need = Math.floor(nodes.length / 2) + 1;
  const drops = (dest: string, src: string): boolean => grudge[dest]?.includes(src) ?? false;
  const out = new Set<string>();
  for (const n of nodes) {
    if (dead.has(n)) continue;
    let reach = 1;
    for (const m of nodes) if (m !== n && !dead.has(m) && !drops(m, n) && !drops(n, m)) reach++;
    if (reach >= need) out.add(n);
  }
  return out;
}

/** The spans in which no majority could be reached, merged. */
export function noMajorityWindows(history: readonly Op[], nodes: readonly string[]): Window[] {
  const windows: Window[] = [];
  for (const s of timeline(history, nodes)) {
    if (s.cluster) continue;
    const last = windows[windows.length - 1];
    if (last && last.end >= s.start) last.end = Math.max(last.end, s.end);
    else windows.push({ start: s.start, end: s.end });
  }
  return windows;
}

/** Ops per thread and ok fractions inside/outside no-majority windows. */
export function availability(history: readonly Op[], nodes: readonly string[], concurrency: number, workloadS: number): Availability {
  const segs = timeline(history, nodes);
  const noMajority = noMajorityWindows(history, nodes);
  const perThread = new Array<number>(concurrency).fill(0);
  const inside = { ops: 0, ok: 0 };
  const outside = { ops: 0, ok: 0 };
  const connected = { ops: 0, ok: 0 };
  const errorsOutside: Record<string, number> = {};
  const open = new Map<number, Op>();
  let first = Infinity;
  let ops = 0;
  const invokes: number[] = [];
  for (const op of history) {
    if (typeof op.process !== 'number') continue;
    if (op.type === 'invoke') {
      open.set(op.process, op);
      first = Math.min(first, op.time);
      invokes.push(op.time);
      continue;
    }
    const inv = open.get(op.process);
    if (!inv) continue;
    open.delete(op.process);
    ops++;
    perThread[op.process % concurrency]!++;
    const during = segs.filter((s) => inv.time <= s.end && op.time >= s.start);
    const overlaps = during.some((s) => !s.cluster);
    const bucket = overlaps ? inside : outside;
    bucket.ok += op.type === 'ok' ? 1 : 0;
    bucket.ops++;
    // The client's own node reached a majority for the op's whole span.
    const reached = typeof inv.node === 'string' && during.every((s) => s.nodes.has(inv.node as string));
    if (!overlaps && reached) {
      connected.ops++;
      if (op.type === 'ok') connected.ok++;
    }
    if (op.type !== 'ok' && !overlaps) {
      const key = `${op.type}${reached ? '' : ' (node cut off)'}: ${errorText(op.error)}`;
      errorsOutside[key] = (errorsOutside[key] ?? 0) + 1;
    }
  }
  const end = first + workloadS * 1e9;
  const inWindow = (t: number): boolean => noMajority.some((w) => t >= w.start && t <= w.end);
  const phase = invokes.filter((t) => t < end);
  let windowNs = 0;
  for (const w of noMajority) windowNs += Math.max(0, Math.min(end, w.end) - Math.max(first, w.start));
  const outsideS = (workloadS * 1e9 - windowNs) / 1e9;
  const offeredOutsidePerS = outsideS > 0 ? phase.filter((t) => !inWindow(t)).length / outsideS : 0;
  return { perThread, ops, offeredPerS: phase.length / workloadS, offeredOutsidePerS, noMajority, inside, outside, connected, errorsOutside };
}

function errorText(e: unknown): string {
  if (e && typeof e === 'object' && 'text' in e) {
    const t = String((e as { text: unknown }).text);
    // Group "no reply from n3 within 1000 ms" and the like by their shape, not their node.
    return t.replace(/\bn\d+\b/g, 'nX').replace(/\d+/g, 'N');
  }
  return String(e);
}

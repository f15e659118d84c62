// The sequential-consistency search: is there one total order of the ops that keeps each
// process's own order and is legal for the registers, ignoring real time? Depth-first search over
// (per-process frontier, model state) with a visited set, so each such pair is expanded once.
//
// Pruning, each provably safe:
// - Reads do not change state, so a read whose value the state holds is taken at once (moving a
//   read earlier, to a point with the same state, keeps every other op's view and its process's
//   order): branching happens only on writes, cas and crashed ops.
// - A required read/cas waiting for (key, value) that no remaining op can produce is a dead end.
// - A crashed op at the tail of its process is never "skipped" explicitly: it just stays untaken.
// Candidate writes are tried in completion order (crashed ops last): a system's order is close to
// real time, and an acknowledged write has usually taken effect by the time it returns.

import type { Validity } from '../../src/protocols.js';
import { CAS, READ, WRITE, type ScOp, type ScProblem } from './problem.js';

export interface SearchLimits {
  /** Stop with 'unknown' after this many distinct states. */
  maxStates: number;
  /** Stop with 'unknown' at this Date.now(). */
  deadline: number;
  /** Keep the op order of the deepest point reached (costly on big inputs: for witnesses). */
  recordPath?: boolean;
}

export interface SearchResult {
  valid: Validity;
  states: number;
  /** Why 'unknown' or false, in words. */
  reason?: string;
  /** A valid total order (op ids) when valid. */
  order?: number[];
  /** The deepest prefix reached (op ids, in order) when recordPath. */
  deepest?: number[];
  /** The frontier (ops taken per process) at the deepest point. */
  deepestFrontier?: number[];
  /** The model state (interned value per key) at the deepest point. */
  deepestState?: number[];
  /** Processes' op lists as searched (op ids), to read frontiers against. */
  processes: number[][];
}

// Trail entries (undo log): kinds of steps.
const T_READ = 0;
const T_APPLY = 1;
const T_SKIP = 2;

/**
 * Crashed ops whose written value no required read or cas ever needs can be dropped: in any valid
 * order, taking such an op out leaves a window on its key in which nothing observes the key (a
 * read there would read its value), so the order stays valid. This removes most crashed ops of
 * histories with unique values, and with them most of the search's choices.
 */
function dropUnobservedCrashes(subset: readonly ScOp[], V: number): ScOp[] {
  const needed = new Set<number>();
  for (const o of subset) if (o.required && o.kind !== WRITE) needed.add(o.key * V + o.a);
  // A kept crashed cas needs its expected value in turn: grow the needed set to a fixpoint.
  const keep = new Set<number>();
  for (let changed = true; changed; ) {
    changed = false;
    for (const o of subset) {
      if (o.required || o.kind === READ || keep.has(o.id)) continue;
      if (!needed.has(o.key * V + (o.kind === WRITE ? o.a : o.b))) continue;
      keep.add(o.id);
      changed = true;
      if (o.kind === CAS) needed.add(o.key * V + o.a);
    }
  }
  return subset.filter((o) => o.required || o.kind === READ || keep.has(o.id));
}

export function searchSC(p: ScProblem, all: readonly ScOp[], limits: SearchLimits): SearchResult {
  const subset = dropUnobservedCrashes(all, p.values.length);
  // Per-process op lists in invocation order.
  const byProc = new Map<number, ScOp[]>();
  for (const op of subset) {
    let l = byProc.get(op.process);
    if (!l) byProc.set(op.process, (l = []));
    l.push(op);
  }
  const procs = [...byProc.values()].map((l) => l.sort((x, y) => x.rec.invoke.index - y.rec.invoke.index));
  const P = procs.length;
  const K = Math.max(1, p.keys.length);
  const V = p.values.length;
  const lastReq = procs.map((l) => {
    for (let i = l.length - 1; i >= 0; i--) if (l[i]!.required) return i;
    return -1;
  });
  const processes = procs.map((l) => l.map((o) => o.id));

  // Producers remaining per (key, value): a waiting read is dead if none is left.
  const kv = (k: number, v: number): number => k * V + v;
  const remaining = new Map<number, number>();
  // Required producers remaining: when none is left, a waiting read can only be served by a crashed op.
  const remainingReq = new Map<number, number>();
  for (const l of procs) for (const o of l) {
    const pv = o.kind === WRITE ? o.a : o.kind === CAS ? o.b : -1;
    if (pv >= 0) remaining.set(kv(o.key, pv), (remaining.get(kv(o.key, pv)) ?? 0) + 1);
    if (pv >= 0 && o.required) remainingReq.set(kv(o.key, pv), (remainingReq.get(kv(o.key, pv)) ?? 0) + 1);
  }
  // Required reads / cas not yet taken, per (key, value) they need.
  const needs = new Map<number, number>();
  for (const l of procs) for (const o of l) {
    if (o.required && o.kind !== WRITE) needs.set(kv(o.key, o.a), (needs.get(kv(o.key, o.a)) ?? 0) + 1);
  }
  // A state is dead when some (key, value) is still needed, the key holds another value, and no
  // op that could write it again remains. Checked wherever a value leaves a key or loses a producer.
  let deadFlag = false;
  const checkLost = (k: number, v: number): void => {
    if (vals[k] !== v && (needs.get(kv(k, v)) ?? 0) > 0 && (remaining.get(kv(k, v)) ?? 0) === 0) deadFlag = true;
  };
  const vals = new Int32Array(K).fill(p.init);
  const front = new Int32Array(P);
  const trailKind: number[] = [];
  const trailProc: number[] = [];
  const trailPrev: number[] = [];

  const produced = (o: ScOp): number => (o.kind === WRITE ? o.a : o.b);
  const decRemaining = (o: ScOp, d: number): void => {
    const key = kv(o.key, produced(o));
    remaining.set(key, remaining.get(key)! + d);
    if (o.required) remainingReq.set(key, remainingReq.get(key)! + d);
  };
  const closure = (): void => {
    for (let q = 0; q < P; q++) {
      const l = procs[q]!;
      let i = front[q]!;
      while (i < l.length) {
        const o = l[i]!;
        if (o.kind !== READ || vals[o.key] !== o.a) break;
        i++;
        needs.set(kv(o.key, o.a), needs.get(kv(o.key, o.a))! - 1);
        trailKind.push(T_READ); trailProc.push(q); trailPrev.push(0);
      }
      front[q] = i;
    }
  };
  const apply = (q: number): void => {
    const o = procs[q]![front[q]!]!;
    const prev = vals[o.key]!;
    trailKind.push(T_APPLY); trailProc.push(q); trailPrev.push(prev);
    if (o.required && o.kind === CAS) needs.set(kv(o.key, o.a), needs.get(kv(o.key, o.a))! - 1);
    vals[o.key] = produced(o);
    decRemaining(o, -1);
    front[q]!++;
    if (prev !== vals[o.key]) checkLost(o.key, prev);
  };
  const skip = (q: number): void => {
    const o = procs[q]![front[q]!]!;
    trailKind.push(T_SKIP); trailProc.push(q); trailPrev.push(0);
    decRemaining(o, -1);
    front[q]!++;
    checkLost(o.key, produced(o));
  };
  const undo = (mark: number): void => {
    while (trailKind.length > mark) {
      const t = trailKind.pop()!;
      const q = trailProc.pop()!;
      const prev = trailPrev.pop()!;
      front[q]!--;
      const o = procs[q]![front[q]!]!;
      if (t === T_APPLY) {
        vals[o.key] = prev;
        decRemaining(o, 1);
        if (o.required && o.kind === CAS) needs.set(kv(o.key, o.a), needs.get(kv(o.key, o.a))! + 1);
      } else if (t === T_SKIP) decRemaining(o, 1);
      else needs.set(kv(o.key, o.a), needs.get(kv(o.key, o.a))! + 1);
    }
  };
  const done = (): boolean => {
    for (let q = 0; q < P; q++) if (front[q]! <= lastReq[q]!) return false;
    return true;
  };
  const dead = (): boolean => deadFlag;
  // At the start: a needed value other than the initial one with no producer at all.
  for (const [key, n] of needs) {
    if (n > 0 && (remaining.get(key) ?? 0) === 0 && key % V !== p.init) deadFlag = true;
  }
  // Moves: q*2 = take the head op of q, q*2+1 = skip it (crashed op with required ops after it).
  const moves = (): number[] => {
    const out: number[] = [];
    for (let q = 0; q < P; q++) {
      const l = procs[q]!;
      const i = front[q]!;
      if (i >= l.length) continue;
      const o = l[i]!;
      if (o.kind === READ) continue; // closure took it if it could
      if (o.kind === WRITE || vals[o.key] === o.a) out.push(q * 2);
      if (!o.required && i < lastReq[q]!) out.push(q * 2 + 1);
    }
    // Crashed ops are tried last (they may never have taken effect, and applying one that did not
    // is a wrong turn found only much later), except when a pending read needs their value and no
    // required op is left to write it: then it must happen, and is placed in time order like a
    // required op. (Trying it first whenever a blocked read waits for it was measured far worse:
    // it jumps ahead of writes that real time puts before it.)
    const rank = (m: number): number => {
      const o = procs[m >> 1]![front[m >> 1]!]!;
      if (m & 1) return 2e15 + o.rec.index;
      if (!o.required) {
        const pk = kv(o.key, produced(o));
        if ((remainingReq.get(pk) ?? 0) > 0) return 1e15 + o.rec.index;
        // Needed later and only crashed ops can write it: it must happen; place it by time.
        return ((needs.get(pk) ?? 0) > 0 ? 0 : 1e15) + o.rec.index;
      }
      return o.rec.index;
    };
    return out.sort((x, y) => rank(x) - rank(y));
  };
  const small = P + K < 4000;
  const keyOf = (): string => {
    let s = '';
    if (small) {
      for (let q = 0; q < P; q++) s += String.fromCharCode(front[q]! & 0xffff, front[q]! >>> 16);
      for (let k = 0; k < K; k++) s += String.fromCharCode(vals[k]! & 0xffff, vals[k]! >>> 16);
      return s;
    }
    return `${front.join(',')}|${vals.join(',')}`;
  };

  let states = 0;
  let bestDepth = -1;
  let deepest: number[] | undefined;
  let deepestFrontier: number[] = [];
  let deepestState: number[] = [];
  const depthNow = (): number => {
    let d = 0;
    for (let q = 0; q < P; q++) d += front[q]!;
    return d;
  };
  const noteDepth = (): void => {
    const d = depthNow();
    if (d <= bestDepth) return;
    bestDepth = d;
    deepestFrontier = Array.from(front);
    deepestState = Array.from(vals);
    if (limits.recordPath) deepest = takenOrder();
  };
  const takenOrder = (): number[] => {
    const out: number[] = [];
    const f = new Int32Array(P);
    for (let t = 0; t < trailKind.length; t++) {
      const q = trailProc[t]!;
      const o = procs[q]![f[q]!]!;
      f[q]!++;
      if (trailKind[t] !== T_SKIP) out.push(o.id);
    }
    return out;
  };
  const result = (valid: Validity, reason?: string): SearchResult => ({
    valid, states, reason, processes, deepestFrontier, deepestState,
    ...(deepest ? { deepest } : {}),
    ...(valid === true ? { order: takenOrder() } : {}),
  });

  const visited = new Set<string>();
  closure();
  noteDepth();
  if (done()) return result(true);
  if (dead()) return result(false, 'a read waits for a value no remaining op writes');
  visited.add(keyOf());
  const stackMark: number[] = [0];
  const stackMoves: number[][] = [moves()];
  const stackI: number[] = [0];
  let checkEvery = 0;
  while (stackMoves.length) {
    const top = stackMoves.length - 1;
    const ms = stackMoves[top]!;
    const i = stackI[top]!;
    if (i >= ms.length) {
      undo(stackMark[top]!);
      stackMark.pop(); stackMoves.pop(); stackI.pop();
      continue;
    }
    stackI[top] = i + 1;
    const m = ms[i]!;
    const mark = trailKind.length;
    if (m & 1) skip(m >> 1);
    else apply(m >> 1);
    closure();
    if (done()) return result(true);
    if (dead()) {
      noteDepth();
      deadFlag = false;
      undo(mark);
      continue;
    }
    const key = keyOf();
    if (visited.has(key)) {
      undo(mark);
      continue;
    }
    visited.add(key);
    states++;
    noteDepth();
    if (states >= limits.maxStates) return result('unknown', `state budget of ${limits.maxStates} states exhausted`);
    if (++checkEvery >= 1024) {
      checkEvery = 0;
      if (Date.now() > limits.deadline) return result('unknown', 'time budget exhausted');
    }
    stackMark.push(mark);
    stackMoves.push(moves());
    stackI.push(0);
  }
  return result(false, 'every order was tried');
}

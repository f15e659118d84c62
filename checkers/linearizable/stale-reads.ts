// A pre-pass over one partition that proves the commonest violation - a stale read - without
// searching: two successful reads A and B, A returned before B was invoked, and B cannot be legal
// in any state reachable from the state A saw without an op that could make it legal again
// (kv: B's string does not extend A's; a register: B's value differs from A's and no write of it
// fits in between). The search proves the same thing only after trying every order of the ops
// that precede B, which is most of its work on such histories (Porcupine's kv c50-bad).
//
// Sound by the hooks' contracts (model.ts):
// - in every linearization A comes before B (real-time order), the state right after A is one in
//   which A is legal, and `readDooms(A, B)` says no sequence of ops that do not reset B can make
//   B legal from there;
// - an op linearized between A and B was invoked before B returned and returned (if it did)
//   after A was invoked; when no such op `resets` B, B is illegal where it must be linearized.
// A miss costs nothing (the search still decides); the work is bounded, linear in the ops.

import type { Model, ModelOp } from './model.js';

/** Most recent earlier reads compared with each read. */
const PER_READ = 4;
/** Work (read pairs compared, ops looked at for resets) per op of the partition, before giving up. */
const WORK_PER_OP = 16;

export interface StaleRead {
  /** Positions in the ops given: the earlier read and the later read it makes impossible. */
  a: number;
  b: number;
}

/**
 * The first stale read pair found, or undefined (none, the model lacks the hooks, or `deadline`
 * - performance.now() ms - passed first).
 */
export function findStaleRead<S>(model: Model<S>, ops: readonly ModelOp[], deadline = Infinity): StaleRead | undefined {
  const { readDooms, readOnly } = model;
  if (!readDooms || !readOnly || model.stepAll) return undefined;
  const resets = model.resets;
  const reads: number[] = []; // ok read-only ops
  const changers: number[] = []; // ops that may change the state, completed ones
  const crashed: number[] = []; // and crashed ones
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    if (op.completeIndex === null) crashed.push(i);
    else if (op.status === 'fail' || readOnly(op)) {
      if (op.status === 'ok') reads.push(i);
    } else changers.push(i);
  }
  if (reads.length < 2) return undefined;
  // Partitions come in invocation order: sort only when they do not.
  const byCall = (x: number, y: number): number => ops[x]!.index - ops[y]!.index;
  if (!sortedBy(changers, (x) => ops[x]!.index)) changers.sort(byCall);
  if (!sortedBy(crashed, (x) => ops[x]!.index)) crashed.sort(byCall);
  // Per completed changer in call order, the latest return among it and those called before it:
  // scanning back from a window's end can stop once nothing earlier returns inside the window.
  const maxRet = new Float64Array(changers.length);
  for (let j = 0, m = -Infinity; j < changers.length; j++) maxRet[j] = m = Math.max(m, ops[changers[j]!]!.completeIndex!);
  const byRet = sortByRet(ops, reads);
  let budget = WORK_PER_OP * ops.length;
  // One unit of work; false from the moment the budget or the deadline is spent (nothing is
  // claimed then: `rescued` answers true, the loop below gives up).
  const spend = (): boolean => {
    if (--budget >= 0 && ((budget & 1023) !== 0 || performance.now() <= deadline)) return true;
    budget = -1;
    return false;
  };

  // Could an op that resets b be linearized between a and b? (true also when out of budget)
  const rescued = (a: ModelOp, b: ModelOp): boolean => {
    if (!resets) return false;
    const end = b.completeIndex!;
    // Crashed ops stay open: every one invoked before b returned may come in between.
    for (let j = lastBefore(crashed, (x) => ops[x]!.index < end); j >= 0; j--) {
      if (!spend() || resets(ops[crashed[j]!]!, b)) return true;
    }
    for (let j = lastBefore(changers, (x) => ops[x]!.index < end); j >= 0 && maxRet[j]! > a.index; j--) {
      const x = ops[changers[j]!]!;
      if (!spend() || (x.completeIndex! > a.index && resets(x, b))) return true;
    }
    return false;
  };

  for (let r = 0; r < reads.length; r++) {
    const bi = reads[r]!;
    const b = ops[bi]!;
    // Reads that returned before b was invoked, latest first.
    const before = lastBefore(byRet, (x) => ops[x]!.completeIndex! < b.index);
    for (let k = before; k >= 0 && k > before - PER_READ; k--) {
      const ai = byRet[k]!;
      if (!spend()) return undefined;
      if (!readDooms(ops[ai]!, b)) continue;
      if (!rescued(ops[ai]!, b)) return { a: ai, b: bi };
      if (budget < 0) return undefined;
      // An op that can reset b after this a can almost always do so after older reads too.
      break;
    }
  }
  return undefined;
}

/** The last position in `xs` whose element satisfies `ok` (which holds for a prefix of xs), or -1. */
function lastBefore(xs: readonly number[], ok: (x: number) => boolean): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ok(xs[mid]!)) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

function sortedBy(xs: readonly number[], key: (x: number) => number): boolean {
  for (let i = 1; i < xs.length; i++) if (key(xs[i - 1]!) > key(xs[i]!)) return false;
  return true;
}

/** `reads` ordered by return (history indices are distinct and dense: a bucket pass, linear). */
function sortByRet(ops: readonly ModelOp[], reads: readonly number[]): number[] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const x of reads) {
    const r = ops[x]!.completeIndex!;
    if (r < lo) lo = r;
    if (r > hi) hi = r;
  }
  const span = hi - lo + 1;
  if (!Number.isSafeInteger(lo) || !Number.isSafeInteger(hi) || span > 8 * reads.length + 1024) {
    return reads.slice().sort((x, y) => ops[x]!.completeIndex! - ops[y]!.completeIndex!);
  }
  const slot = new Int32Array(span).fill(-1);
  let dense = true;
  for (const x of reads) {
    const at = ops[x]!.completeIndex! - lo;
    if (slot[at] !== -1) dense = false; // two returns at one index (hand-made histories)
    slot[at] = x;
  }
  if (!dense) return reads.slice().sort((x, y) => ops[x]!.completeIndex! - ops[y]!.completeIndex!);
  const out: number[] = [];
  for (let i = 0; i < span; i++) if (slot[i] !== -1) out.push(slot[i]!);
  return out;
}

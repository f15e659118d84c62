// The fixed arrays one linearizability search works on, built once per partition (search.ts):
// Wing & Gong's list of calls and returns, the crashed ops by symmetry class, the bit position
// and Zobrist keys of each op, and per-op flags from the model's hooks.

import type { Model, ModelOp } from './model.js';

export interface Layout {
  /** The ops sorted by invocation index; every position below refers to this order. */
  ops: ModelOp[];
  nCompleted: number;
  // Main list: entries 1..E are the calls and returns of completed ops in history order, a
  // circular doubly linked list with sentinel 0.
  next: Int32Array;
  prev: Int32Array;
  /** entry → op position */
  entryOp: Int32Array;
  isCall: Uint8Array;
  /** call entry → return entry */
  matchRet: Int32Array;
  /** history index of the event */
  entryIndex: Float64Array;
  // Crashed ops by symmetry class (ops of a class are interchangeable; unique ops are classes of
  // one): class c holds classOps[classStart[c] .. classStart[c+1]) sorted by invocation, and only
  // its first classPtr[c] are linearized - the search only ever takes the earliest remaining one.
  nClasses: number;
  classStart: Int32Array;
  classOps: Int32Array;
  classPtr: Int32Array;
  /** Linearized set: bit position per op (completed ops first in call order, crashed ops after). */
  bitOf: Int32Array;
  bits: Uint32Array;
  completedWords: number;
  z1: Int32Array;
  z2: Int32Array;
  /** op position → the op overwrites the whole state */
  blind: Uint8Array;
  /** op position → completed op that never changes the state */
  readOnly: Uint8Array;
}

export function buildLayout<S>(model: Model<S>, given: readonly ModelOp[]): Layout {
  const ops = [...given].sort((a, b) => a.index - b.index);
  const n = ops.length;
  const completed: number[] = [];
  const crashed: number[] = [];
  ops.forEach((op, i) => (op.completeIndex === null ? crashed : completed).push(i));

  // Main list events in history order: calls are already sorted (ops are sorted by index),
  // returns are sorted once and merged in. At equal indices (hand-made histories) calls first.
  const rets = completed.slice().sort((x, y) => ops[x]!.completeIndex! - ops[y]!.completeIndex!);
  const E = completed.length * 2;
  const next = new Int32Array(E + 1);
  const prev = new Int32Array(E + 1);
  const entryOp = new Int32Array(E + 1);
  const isCall = new Uint8Array(E + 1);
  const matchRet = new Int32Array(E + 1);
  const entryIndex = new Float64Array(E + 1);
  const callEntry = new Int32Array(n);
  let ci = 0;
  let ri = 0;
  for (let e = 1; e <= E; e++) {
    const c = ci < completed.length ? completed[ci]! : -1;
    const r = rets[ri]!;
    const call = c >= 0 && ops[c]!.index <= ops[r]!.completeIndex!;
    const opPos = call ? c : r;
    if (call) ci++;
    else ri++;
    next[e] = e === E ? 0 : e + 1;
    prev[e] = e - 1;
    entryOp[e] = opPos;
    isCall[e] = call ? 1 : 0;
    entryIndex[e] = call ? ops[opPos]!.index : ops[opPos]!.completeIndex!;
    if (call) callEntry[opPos] = e;
    else matchRet[callEntry[opPos]!] = e;
  }
  next[0] = E === 0 ? 0 : 1;
  prev[0] = E;

  // Crashed ops grouped by symmetry class, classes ordered by their first invocation.
  const k = crashed.length;
  const classes = new Map<string, number[]>();
  for (const i of crashed) {
    const sk = model.symmetryKey?.(ops[i]!) ?? `#${i}`;
    let list = classes.get(sk);
    if (!list) classes.set(sk, (list = []));
    list.push(i);
  }
  const nClasses = classes.size;
  const classStart = new Int32Array(nClasses + 1);
  const classOps = new Int32Array(k);
  let at = 0;
  [...classes.values()].forEach((list, c) => {
    classStart[c] = at;
    for (const i of list) classOps[at++] = i;
  });
  classStart[nClasses] = at;

  // Bit positions and Zobrist keys (fixed seed: deterministic runs).
  const bitOf = new Int32Array(n);
  completed.forEach((i, b) => (bitOf[i] = b));
  const completedWords = (completed.length + 31) >>> 5;
  crashed.forEach((i, b) => (bitOf[i] = completedWords * 32 + b));
  const z1 = new Int32Array(n);
  const z2 = new Int32Array(n);
  let seed = 0x2545f491 ^ n;
  const rnd = (): number => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return seed | 0;
  };
  // Crashed ops stay out of the hash: configurations that differ only in which crashed ops
  // were used must meet in the memo, where the one that used fewer dominates (see memo.ts).
  for (let i = 0; i < n; i++) {
    const c = ops[i]!.completeIndex === null;
    z1[i] = c ? 0 : rnd();
    z2[i] = c ? 0 : rnd();
  }

  const blind = new Uint8Array(n);
  if (model.blind) ops.forEach((op, i) => (blind[i] = model.blind!(op) ? 1 : 0));
  const readOnly = new Uint8Array(n);
  if (!model.stepAll) ops.forEach((op, i) => (readOnly[i] = op.completeIndex !== null && (op.status === 'fail' || !!model.readOnly?.(op)) ? 1 : 0));

  return {
    ops,
    nCompleted: completed.length,
    next,
    prev,
    entryOp,
    isCall,
    matchRet,
    entryIndex,
    nClasses,
    classStart,
    classOps,
    classPtr: new Int32Array(nClasses),
    bitOf,
    bits: new Uint32Array(completedWords + ((k + 31) >>> 5)),
    completedWords,
    z1,
    z2,
    blind,
    readOnly,
  };
}

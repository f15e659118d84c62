// A cheap sufficient condition for sequential consistency of a multi-key history: registers on
// different keys do not interact, so if each key alone has a legal order and those orders can be
// interleaved without breaking any process's own order (the union of the per-key orders and the
// process orders is acyclic), then any topological order of that union is one legal total order
// of the whole history. When the per-key orders happen to conflict nothing is concluded: the
// whole-map search decides. The merged order is replayed against the registers before it counts.

import { CAS, READ, WRITE, type ScOp, type ScProblem } from './problem.js';

/**
 * Interleaves per-key legal orders (op ids; untaken crashed ops are simply absent: they never
 * happened) into one total order that keeps every process's order, or undefined if the union
 * has a cycle or the result does not replay.
 */
export function mergeKeyOrders(p: ScProblem, orders: readonly (readonly number[])[]): number[] | undefined {
  const n = p.ops.length;
  const inOrder = new Uint8Array(n);
  for (const o of orders) for (const id of o) inOrder[id] = 1;
  // Every op that must have happened has to be in some key's order.
  for (const op of p.ops) if (op.required && !inOrder[op.id]) return undefined;

  const succ: number[][] = Array.from({ length: n }, () => []);
  const indeg = new Int32Array(n);
  const edge = (a: number, b: number): void => {
    succ[a]!.push(b);
    indeg[b]!++;
  };
  // A key's order constrains only what matters to the register: its writes (and cas) stay in
  // sequence, and each read sits between the write it saw and the next one. Reads between the
  // same two writes need no order among themselves (chaining them would invent cycles), and a
  // read may move to a later interval holding the same value when real time says it read there.
  for (const o of orders) {
    const { writes, slot } = placeReads(p, o);
    for (let j = 1; j < writes.length; j++) edge(writes[j - 1]!, writes[j]!);
    for (const [r, c] of slot) {
      if (c > 0) edge(writes[c - 1]!, r);
      if (c < writes.length) edge(r, writes[c]!);
    }
  }
  const byProc = new Map<number, ScOp[]>();
  for (const op of p.ops) {
    if (!inOrder[op.id]) continue;
    let l = byProc.get(op.process);
    if (!l) byProc.set(op.process, (l = []));
    l.push(op);
  }
  for (const l of byProc.values()) {
    l.sort((a, b) => a.rec.invoke.index - b.rec.invoke.index);
    for (let i = 1; i < l.length; i++) edge(l[i - 1]!.id, l[i]!.id);
  }

  // Kahn's algorithm over the ops that are in some order.
  const out: number[] = [];
  const ready: number[] = [];
  let total = 0;
  for (let id = 0; id < n; id++) {
    if (!inOrder[id]) continue;
    total++;
    if (indeg[id] === 0) ready.push(id);
  }
  while (ready.length) {
    const id = ready.pop()!;
    out.push(id);
    for (const s of succ[id]!) if (--indeg[s]! === 0) ready.push(s);
  }
  if (out.length !== total) return undefined; // a cycle: the per-key orders conflict
  return replays(p, out) ? out : undefined;
}

/** Is `order` legal for the registers from the initial value? */
export function replays(p: ScProblem, order: readonly number[]): boolean {
  const vals = new Int32Array(p.keys.length).fill(p.init);
  for (const id of order) {
    const o = p.ops[id]!;
    if (o.kind === READ) {
      if (vals[o.key] !== o.a) return false;
    } else if (o.kind === WRITE) vals[o.key] = o.a;
    else if (o.kind === CAS) {
      if (vals[o.key] !== o.a) return false;
      vals[o.key] = o.b;
    }
  }
  return true;
}

/**
 * A key's legal order as its chain of writes (and cas) plus, for each read, the interval it sits
 * in: interval c lies after writes[c - 1] (c = 0: before the first write). The search placed each
 * read in the first interval holding its value; here each moves to the latest interval holding
 * that value whose write began before the read returned (where a real system's read would have
 * been), within what its process's own order on the key allows. Moves that do not fit keep the
 * search's placement, so the result is always a legal order of the key.
 */
function placeReads(p: ScProblem, order: readonly number[]): { writes: number[]; slot: Map<number, number> } {
  const writes: number[] = [];
  const value: number[] = [p.init]; // value[c]: the register's value in interval c
  const slot = new Map<number, number>();
  for (const id of order) {
    const o = p.ops[id]!;
    if (o.kind === READ) slot.set(id, writes.length);
    else {
      writes.push(id);
      value.push(o.kind === WRITE ? o.a : o.b);
    }
  }
  const byValue = new Map<number, number[]>();
  value.forEach((v, c) => (byValue.get(v) ?? byValue.set(v, []).get(v)!).push(c));
  const writePos = new Map(writes.map((id, j) => [id, j + 1]));
  // Each process's ops on this key, in its own order.
  const byProc = new Map<number, ScOp[]>();
  for (const id of order) {
    const o = p.ops[id]!;
    (byProc.get(o.process) ?? byProc.set(o.process, []).get(o.process)!).push(o);
  }
  const original = new Map(slot);
  for (const ops of byProc.values()) {
    ops.sort((a, b) => a.rec.invoke.index - b.rec.invoke.index);
    let lo = 0;
    for (let i = 0; i < ops.length; i++) {
      const o = ops[i]!;
      if (o.kind !== READ) {
        lo = writePos.get(o.id)!;
        continue;
      }
      // Before this process's next write on the key.
      let hi = writes.length;
      for (let j = i + 1; j < ops.length; j++) if (ops[j]!.kind !== READ) { hi = writePos.get(ops[j]!.id)! - 1; break; }
      const done = o.rec.complete?.index ?? Infinity;
      let best = -1;
      for (const c of byValue.get(o.a) ?? []) {
        if (c < lo || c > hi) continue;
        if (c === 0 || p.ops[writes[c - 1]!]!.rec.invoke.index < done) best = Math.max(best, c);
      }
      const keep = original.get(o.id)!;
      const c = best >= 0 ? best : keep >= lo && keep <= hi ? keep : -1;
      if (c < 0) return { writes, slot: original }; // nothing fits: the search's order as it was
      slot.set(o.id, c);
      lo = c;
    }
  }
  return { writes, slot };
}

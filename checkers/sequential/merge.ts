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
  for (const o of orders) for (let i = 1; i < o.length; i++) edge(o[i - 1]!, o[i]!);
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

// A fast, sound refutation of sequential consistency for reads whose source is certain (their
// value has exactly one writer, as with unique values): build the orders every valid total order
// must contain and look for a cycle. Edges:
// - process order between consecutive ops of a process;
// - reads-from: the only writer of a value precedes each read of it;
// - for a read r with source w on key k and another write x on k (x surely takes effect):
//   if x must precede r, it must precede w (else r would see x); if w must precede x, r must
//   precede x (else r would see x too). Reads of the initial value with no writer of it precede
//   every write of their key.
// Derived edges are added until nothing changes (transitive closure by bitsets over a DAG); a
// cycle means no total order exists. Not complete (ambiguous sources are left out), never wrong.

import { READ, WRITE, describeOp, type ScOp, type ScProblem } from './problem.js';

export type EdgeWhy = 'process' | 'reads-from' | 'overwrite-before' | 'read-before' | 'initial-read';

export interface SaturationCycle {
  /** The ops of the cycle, in order; each must precede the next (and the last the first). */
  ops: ScOp[];
  why: EdgeWhy[];
  /** The cycle's ops plus the reads / sources its derived orders are about. */
  involved: ScOp[];
  text: string;
}

const produced = (o: ScOp): number => (o.kind === WRITE ? o.a : o.b);

/** Returns a cycle if one is found, undefined if none (or the input is too large or time is up). */
export function saturate(p: ScProblem, ops: readonly ScOp[], deadline: number, maxNodes = 20_000): SaturationCycle | undefined {
  const V = p.values.length;
  const byKv = new Map<number, ScOp[]>();
  for (const o of ops) if (o.kind !== READ) (byKv.get(o.key * V + produced(o)) ?? byKv.set(o.key * V + produced(o), []).get(o.key * V + produced(o))!).push(o);
  // Nodes: required ops, plus crashed ops that are the only source of some required read.
  const source = new Map<number, ScOp | null>(); // op id -> its certain source (null: the initial state)
  const forced = new Set<number>();
  for (const o of ops) {
    if (!o.required || o.kind === WRITE) continue;
    const ps = byKv.get(o.key * V + o.a) ?? [];
    if (ps.length === 1 && ps[0]!.id !== o.id) {
      source.set(o.id, ps[0]!);
      if (!ps[0]!.required) forced.add(ps[0]!.id);
    } else if (ps.length === 0 && o.a === p.init) source.set(o.id, null);
  }
  const nodes = ops.filter((o) => o.required || forced.has(o.id));
  const n = nodes.length;
  if (n === 0 || n > maxNodes || source.size === 0) return undefined;
  const idx = new Map(nodes.map((o, i) => [o.id, i]));
  const succ: Set<number>[] = nodes.map(() => new Set<number>());
  const why = new Map<number, EdgeWhy>(); // a * n + b -> reason
  const via = new Map<number, number>(); // a * n + b -> the read (node) a derived edge is about
  const addEdge = (a: number, b: number, w: EdgeWhy, r?: number): boolean => {
    if (a === b || succ[a]!.has(b)) return false;
    succ[a]!.add(b);
    why.set(a * n + b, w);
    if (r !== undefined) via.set(a * n + b, r);
    return true;
  };
  const byProc = new Map<number, number[]>();
  nodes.forEach((o, i) => (byProc.get(o.process) ?? byProc.set(o.process, []).get(o.process)!).push(i));
  for (const l of byProc.values()) {
    l.sort((x, y) => nodes[x]!.rec.invoke.index - nodes[y]!.rec.invoke.index);
    for (let i = 1; i < l.length; i++) addEdge(l[i - 1]!, l[i]!, 'process');
  }
  // Writes that surely take effect, per key.
  const writesOf = new Map<number, number[]>();
  nodes.forEach((o, i) => {
    if (o.kind !== READ) (writesOf.get(o.key) ?? writesOf.set(o.key, []).get(o.key)!).push(i);
  });
  const reads: { r: number; s: number | null; key: number }[] = [];
  for (const [rid, s] of source) {
    const r = idx.get(rid)!;
    const key = nodes[r]!.key;
    if (s) addEdge(idx.get(s.id)!, r, 'reads-from');
    else for (const w of writesOf.get(key) ?? []) if (w !== r) addEdge(r, w, 'initial-read');
    reads.push({ r, s: s ? idx.get(s.id)! : null, key });
  }

  const words = (n + 31) >>> 5;
  for (let round = 0; round < 50; round++) {
    if (Date.now() > deadline) return undefined;
    // Topological order (Kahn); leftover nodes lie on a cycle.
    const indeg = new Int32Array(n);
    for (let a = 0; a < n; a++) for (const b of succ[a]!) indeg[b]!++;
    const order: number[] = [];
    for (let a = 0; a < n; a++) if (indeg[a] === 0) order.push(a);
    for (let i = 0; i < order.length; i++) for (const b of succ[order[i]!]!) if (--indeg[b]! === 0) order.push(b);
    if (order.length < n) return cycleText(p, nodes, succ, indeg, why, via, n);
    // reach[a]: every node that must come after a.
    const reach = new Uint32Array(n * words);
    for (let i = n - 1; i >= 0; i--) {
      const a = order[i]!;
      const base = a * words;
      for (const b of succ[a]!) {
        reach[base + (b >>> 5)]! |= 1 << (b & 31);
        const bb = b * words;
        for (let w = 0; w < words; w++) reach[base + w]! |= reach[bb + w]!;
      }
    }
    const before = (a: number, b: number): boolean => (reach[a * words + (b >>> 5)]! & (1 << (b & 31))) !== 0;
    let added = 0;
    let tick = 0;
    for (const { r, s, key } of reads) {
      if (s === null) continue;
      if ((++tick & 255) === 0 && Date.now() > deadline) return undefined;
      for (const x of writesOf.get(key) ?? []) {
        if (x === s || x === r) continue;
        if (before(x, r) && !before(x, s) && addEdge(x, s, 'overwrite-before', r)) added++;
        if (before(s, x) && !before(r, x) && addEdge(r, x, 'read-before', s)) added++;
      }
    }
    if (added === 0) return undefined;
  }
  return undefined;
}

function cycleText(p: ScProblem, nodes: ScOp[], succ: Set<number>[], indeg: Int32Array, why: Map<number, EdgeWhy>, via: Map<number, number>, n: number): SaturationCycle {
  // Every leftover node has a leftover predecessor: walk predecessors until a node repeats.
  const pred: number[][] = nodes.map(() => []);
  for (let x = 0; x < n; x++) if (indeg[x]! > 0) for (const y of succ[x]!) if (indeg[y]! > 0) pred[y]!.push(x);
  let a = indeg.findIndex((d) => d > 0);
  const seenAt = new Map<number, number>();
  const path: number[] = [];
  while (!seenAt.has(a)) {
    seenAt.set(a, path.length);
    path.push(a);
    a = pred[a]![0]!;
  }
  const cyc = path.slice(seenAt.get(a)!).reverse();
  const reasons = cyc.map((x, i) => why.get(x * n + cyc[(i + 1) % cyc.length]!)!);
  const lbl = (o: ScOp): string => `p${o.process} ${describeOp(p, o)} (index ${o.rec.invoke.index})`;
  const lines = cyc.map((x, i) => {
    const y = cyc[(i + 1) % cyc.length]!;
    const v = via.get(x * n + y);
    const other = v !== undefined ? lbl(nodes[v]!) : '';
    const a = lbl(nodes[x]!);
    const b = lbl(nodes[y]!);
    switch (reasons[i]!) {
      case 'process': return `  ${a} precedes ${b} in its process`;
      case 'reads-from': return `  ${a} is the only write of the value read by ${b}`;
      case 'overwrite-before': return `  ${a} must precede ${b}: it precedes ${other}, which reads ${b}'s value and would otherwise see ${a}'s`;
      case 'read-before': return `  ${a} must precede ${b}: its source ${other} precedes ${b}, which would otherwise hide that value`;
      case 'initial-read': return `  ${a} reads the initial value, so it must precede the write ${b}`;
    }
  });
  const extra = cyc.map((x, i) => via.get(x * n + cyc[(i + 1) % cyc.length]!)).filter((v): v is number => v !== undefined);
  return {
    ops: cyc.map((x) => nodes[x]!),
    involved: [...new Set([...cyc, ...extra])].map((x) => nodes[x]!),
    why: reasons,
    text: `These ops would each have to come before the next, in a circle:\n${lines.join('\n')}`,
  };
}

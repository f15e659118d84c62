// The transaction dependency graph: edges with kind bitmasks (ww, wr, rw, process, realtime)
// collected in a growable buffer, frozen into CSR (typed arrays, parallel edges merged), and an
// iterative Tarjan SCC that can look at a subset of edge kinds and vertices.

import type { DependencyKind } from '../../src/protocols.js';

export const WW = 1;
export const WR = 2;
export const RW = 4;
export const PROC = 8;
export const RT = 16;
export const ALL = WW | WR | RW | PROC | RT;

export const KIND_NAMES: Record<number, DependencyKind> = { 1: 'ww', 2: 'wr', 4: 'rw', 8: 'process', 16: 'realtime' };

/** Edges as they are found; duplicates allowed (merged when frozen). */
export class EdgeBuf {
  src = new Int32Array(1024);
  dst = new Int32Array(1024);
  kind = new Uint8Array(1024);
  length = 0;
  add(s: number, d: number, k: number): void {
    if (s === d) return;
    if (this.length === this.src.length) {
      const cap = this.src.length * 2;
      const ns = new Int32Array(cap); ns.set(this.src); this.src = ns;
      const nd = new Int32Array(cap); nd.set(this.dst); this.dst = nd;
      const nk = new Uint8Array(cap); nk.set(this.kind); this.kind = nk;
    }
    this.src[this.length] = s;
    this.dst[this.length] = d;
    this.kind[this.length] = k;
    this.length++;
  }
}

/** Compressed sparse rows: out-edges of v are adj[off[v] .. off[v+1]) with kind masks. */
export interface Graph {
  n: number;
  off: Int32Array;
  adj: Int32Array;
  mask: Uint8Array;
}

export function freeze(n: number, b: EdgeBuf): Graph {
  const count = new Int32Array(n + 1);
  for (let i = 0; i < b.length; i++) count[b.src[i]! + 1]!++;
  for (let v = 0; v < n; v++) count[v + 1]! += count[v]!;
  const pos = count.slice(0, n);
  const adj = new Int32Array(b.length);
  const mask = new Uint8Array(b.length);
  for (let i = 0; i < b.length; i++) {
    const p = pos[b.src[i]!]!++;
    adj[p] = b.dst[i]!;
    mask[p] = b.kind[i]!;
  }
  // Merge parallel edges in place: seen[d] holds the slot of d within the current row.
  const seen = new Int32Array(n).fill(-1);
  const off = new Int32Array(n + 1);
  let w = 0;
  for (let v = 0; v < n; v++) {
    off[v] = w;
    const rowStart = w;
    for (let p = count[v]!; p < count[v + 1]!; p++) {
      const d = adj[p]!;
      const s = seen[d]!;
      if (s >= rowStart) mask[s]! |= mask[p]!;
      else {
        seen[d] = w;
        adj[w] = d;
        mask[w] = mask[p]!;
        w++;
      }
    }
  }
  off[n] = w;
  return { n, off, adj: adj.slice(0, w), mask: mask.slice(0, w) };
}

export interface Sccs {
  /** Component id per vertex (-1 if outside the subset). Ids are in Tarjan completion order:
   *  an edge between components goes from a higher id to a lower one. */
  comp: Int32Array;
  /** Size of each component. */
  size: Int32Array;
  count: number;
}

/** Iterative Tarjan over edges whose mask intersects `kinds`, and vertices with inSet[v] (all if null). */
export function tarjan(g: Graph, kinds: number, inSet: Uint8Array | null): Sccs {
  const n = g.n;
  const idx = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const comp = new Int32Array(n).fill(-1);
  const onStack = new Uint8Array(n);
  const stack = new Int32Array(n);
  let sp = 0;
  const callV = new Int32Array(n);
  const callP = new Int32Array(n);
  let cp = 0;
  let counter = 0;
  const sizes: number[] = [];
  for (let root = 0; root < n; root++) {
    if (idx[root] !== -1 || (inSet && !inSet[root])) continue;
    callV[0] = root; callP[0] = g.off[root]!; cp = 1;
    idx[root] = low[root] = counter++;
    stack[sp++] = root; onStack[root] = 1;
    while (cp > 0) {
      const v = callV[cp - 1]!;
      let p = callP[cp - 1]!;
      const end = g.off[v + 1]!;
      let descended = false;
      while (p < end) {
        const w = g.adj[p]!;
        const m = g.mask[p]!;
        p++;
        if (!(m & kinds) || (inSet && !inSet[w])) continue;
        if (idx[w] === -1) {
          callP[cp - 1] = p;
          idx[w] = low[w] = counter++;
          stack[sp++] = w; onStack[w] = 1;
          callV[cp] = w; callP[cp] = g.off[w]!; cp++;
          descended = true;
          break;
        } else if (onStack[w] && idx[w]! < low[v]!) {
          low[v] = idx[w]!;
        }
      }
      if (descended) continue;
      // v is finished
      if (low[v] === idx[v]) {
        const c = sizes.length;
        let s = 0;
        let w: number;
        do {
          w = stack[--sp]!;
          onStack[w] = 0;
          comp[w] = c;
          s++;
        } while (w !== v);
        sizes.push(s);
      }
      cp--;
      if (cp > 0) {
        const u = callV[cp - 1]!;
        if (low[v]! < low[u]!) low[u] = low[v]!;
      }
    }
  }
  return { comp, size: Int32Array.from(sizes), count: sizes.length };
}

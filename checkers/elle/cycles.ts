// Cycle search in the dependency graph. First SCCs of the whole graph (a valid history has only
// trivial ones, so it costs one linear pass); then, inside each non-trivial SCC, for each anomaly
// shape a BFS over (vertex, automaton state) from an "anchor" edge of the shape's required kind
// back to the anchor's source: the shortest cycle through that anchor with the shape's edge-kind
// constraints (G0 = ww only, G1c = ww/wr, G-single = exactly one rw, G-nonadjacent = no two
// adjacent rw, G2-item = any with an rw; -process / -realtime add those edges and anchor on one).
// Every search has a state budget and the global deadline; running out is reported as incomplete.

import { PROC, RT, RW, WR, WW, tarjan, type Graph, type Sccs } from './graph.js';

export interface Cycle {
  type: string;
  /** Vertices v0..vk-1; step i goes from txns[i] to txns[(i+1) % k] with kinds[i]. */
  txns: number[];
  kinds: number[];
}

interface Spec {
  type: string;
  base: string;
  allowed: number;
  anchor: number;
  maxRW: number;
  minRW: number;
  needWr: boolean;
  nonAdjacent: boolean;
}

type BaseSpec = Omit<Spec, 'type' | 'base'> & { name: string };

const BASES: BaseSpec[] = [
  { name: 'G0', allowed: WW, anchor: WW, maxRW: 0, minRW: 0, needWr: false, nonAdjacent: false },
  { name: 'G1c', allowed: WW | WR, anchor: WR, maxRW: 0, minRW: 0, needWr: true, nonAdjacent: false },
  { name: 'G-single', allowed: WW | WR | RW, anchor: RW, maxRW: 1, minRW: 1, needWr: false, nonAdjacent: false },
  { name: 'G-nonadjacent', allowed: WW | WR | RW, anchor: RW, maxRW: 99, minRW: 2, needWr: false, nonAdjacent: true },
  { name: 'G2-item', allowed: WW | WR | RW, anchor: RW, maxRW: 99, minRW: 1, needWr: false, nonAdjacent: false },
];

export const CYCLE_BASES = BASES.map((b) => b.name);

function specs(kinds: number): Spec[] {
  const out: Spec[] = [];
  for (const [suffix, extra, anchor] of [['', 0, 0], ['-process', PROC, PROC], ['-realtime', PROC | RT, RT]] as const) {
    if (extra && !(kinds & anchor)) continue;
    for (const b of BASES) {
      out.push({
        type: b.name + suffix, base: b.name, allowed: b.allowed | extra, anchor: anchor || b.anchor,
        maxRW: b.maxRW, minRW: b.minRW, needWr: b.needWr, nonAdjacent: b.nonAdjacent,
      });
    }
  }
  return out;
}

// Automaton state bits.
const LAST_RW = 1;
const FIRST_RW = 2;
const RW_SHIFT = 2; // 2 bits: rw count capped at 2
const HAS_WR = 16;

function step(sp: Spec, s: number, k: number): number {
  let rw = (s >> RW_SHIFT) & 3;
  if (k === RW) {
    if (sp.nonAdjacent && s & LAST_RW) return -1;
    rw = rw < 2 ? rw + 1 : 2;
    if (rw > sp.maxRW) return -1;
  }
  return (s & (FIRST_RW | HAS_WR)) | (k === RW ? LAST_RW : 0) | (rw << RW_SHIFT) | (k === WR ? HAS_WR : 0);
}

function accepts(sp: Spec, s: number): boolean {
  if (((s >> RW_SHIFT) & 3) < sp.minRW) return false;
  if (sp.needWr && !(s & HAS_WR)) return false;
  if (sp.nonAdjacent && s & LAST_RW && s & FIRST_RW) return false;
  return true;
}

/** The anomaly a cycle is, from the most specific edge kind of each step. */
export function classify(kinds: number[]): string {
  let rw = 0, wr = 0, proc = false, rt = false, adjacent = false;
  for (let i = 0; i < kinds.length; i++) {
    const k = kinds[i]!;
    if (k === RW) {
      rw++;
      if (kinds[(i + 1) % kinds.length] === RW) adjacent = true;
    } else if (k === WR) wr++;
    else if (k === PROC) proc = true;
    else if (k === RT) rt = true;
  }
  const base = rw === 0 ? (wr === 0 ? 'G0' : 'G1c') : rw === 1 ? 'G-single' : adjacent ? 'G2-item' : 'G-nonadjacent';
  return base + (rt ? '-realtime' : proc ? '-process' : '');
}

export interface SearchOptions {
  /** Edge kinds present in the graph (process/realtime edges only if built). */
  kinds: number;
  /** Types whose search should run first (they decide the verdict). */
  relevant: (type: string) => boolean;
  /** BFS states per (shape, SCC) before giving up on that SCC. */
  maxStates: number;
  /** Date.now() after which all searches stop. */
  deadline: number;
  /** Examples kept per type. */
  maxExamples: number;
}

export interface SearchResult {
  cycles: Record<string, Cycle[]>;
  counts: Record<string, number>;
  /** Shapes whose search ran out of budget somewhere without finding a cycle. */
  incomplete: string[];
  nontrivialSccs: number;
  largestScc: number;
}

export function findCycles(g: Graph, opts: SearchOptions): SearchResult {
  const n = g.n;
  const full = tarjan(g, opts.kinds, null);
  const inSet = new Uint8Array(n);
  let nontrivial = 0, largest = 0;
  for (let c = 0; c < full.count; c++) if (full.size[c]! > 1) { nontrivial++; largest = Math.max(largest, full.size[c]!); }
  const result: SearchResult = { cycles: {}, counts: {}, incomplete: [], nontrivialSccs: nontrivial, largestScc: largest };
  if (nontrivial === 0) return result;
  for (let v = 0; v < n; v++) if (full.size[full.comp[v]!]! > 1) inSet[v] = 1;

  const sccCache = new Map<number, Sccs>();
  const sccsFor = (mask: number): Sccs => {
    let s = sccCache.get(mask);
    if (!s) { s = tarjan(g, mask, inSet); sccCache.set(mask, s); }
    return s;
  };
  // Which types were found in which full SCC: a variant (-process/-realtime) is not searched
  // where its base shape already occurs, since the base implies it.
  const foundIn = new Set<string>();
  const incomplete = new Set<string>();
  const all = specs(opts.kinds);
  // Bases before variants (so a variant is skipped where its base was found), and within each
  // level the shapes that decide the verdict first.
  const level = (s: Spec): number => (s.type === s.base ? 0 : s.type.endsWith('-process') ? 1 : 2);
  const ordered = [0, 1, 2].flatMap((l) => [
    ...all.filter((s) => level(s) === l && opts.relevant(s.type)),
    ...all.filter((s) => level(s) === l && !opts.relevant(s.type)),
  ]);
  const localId = new Int32Array(n).fill(-1);
  const bfs = new Bfs();

  for (const sp of ordered) {
    if (Date.now() > opts.deadline) { incomplete.add(sp.type); continue; }
    const sccs = sccsFor(sp.allowed);
    // G-single anchored on its rw edge: the way back has no rw edge, so it stays within the
    // rw-free condensation between the anchor's ends.
    const prune = sp.maxRW === 1 && sp.anchor === RW ? sccsFor(sp.allowed & ~RW) : null;
    for (const group of groups(sccs, inSet)) {
      const fc = full.comp[group[0]!]!;
      if (sp.base !== sp.type && foundIn.has(`${sp.base}:${fc}`)) continue;
      if (foundIn.has(`${sp.type}:${fc}`)) continue;
      for (let i = 0; i < group.length; i++) localId[group[i]!] = i;
      const r = bfs.search(g, sp, group, localId, sccs.comp, prune, opts);
      for (let i = 0; i < group.length; i++) localId[group[i]!] = -1;
      if (r === 'budget') { incomplete.add(sp.type); continue; }
      if (!r) continue;
      const type = classify(r.kinds);
      r.type = type;
      const key = `${type}:${fc}`;
      const base = type.replace(/-(process|realtime)$/, '');
      if (foundIn.has(key) || (base !== type && foundIn.has(`${base}:${fc}`))) continue;
      foundIn.add(key);
      result.counts[type] = (result.counts[type] ?? 0) + 1;
      const list = (result.cycles[type] ??= []);
      if (list.length < opts.maxExamples) list.push(r);
      if (Date.now() > opts.deadline) break;
    }
  }
  // A shape that was found after all is not "incomplete" for the verdict's purposes only if the
  // caller says so; we report exactly which searches gave up.
  result.incomplete = [...incomplete];
  return result;
}

/** Vertex lists of the non-trivial components. */
function groups(s: Sccs, inSet: Uint8Array): number[][] {
  const out: number[][] = new Array(s.count);
  for (let v = 0; v < s.comp.length; v++) {
    if (!inSet[v]) continue;
    const c = s.comp[v]!;
    if (s.size[c]! < 2) continue;
    (out[c] ??= []).push(v);
  }
  return out.filter((x) => x !== undefined);
}

class Bfs {
  private stamp = new Int32Array(0);
  private parent = new Int32Array(0);
  private pkind = new Uint8Array(0);
  private queue = new Int32Array(0);
  private cur = 0;

  private ensure(states: number): void {
    if (this.stamp.length >= states) return;
    this.stamp = new Int32Array(states);
    this.parent = new Int32Array(states);
    this.pkind = new Uint8Array(states);
    this.queue = new Int32Array(states);
    this.cur = 0;
  }

  search(g: Graph, sp: Spec, group: number[], localId: Int32Array, comp: Int32Array, prune: Sccs | null, opts: SearchOptions): Cycle | null | 'budget' {
    this.ensure(group.length * 32);
    const gc = comp[group[0]!]!;
    let states = 0;
    for (const u of group) {
      for (let p = g.off[u]!; p < g.off[u + 1]!; p++) {
        const v = g.adj[p]!;
        if (!(g.mask[p]! & sp.anchor) || comp[v] !== gc) continue;
        if (prune && prune.comp[v]! < prune.comp[u]!) continue; // v cannot reach u without rw
        const s0 = (sp.anchor === RW ? LAST_RW | FIRST_RW | (1 << RW_SHIFT) : 0) | (sp.anchor === WR ? HAS_WR : 0);
        if (++this.cur === 0x7fffffff) { this.stamp.fill(0); this.cur = 1; }
        const cur = this.cur;
        const { stamp, parent, pkind, queue } = this;
        let qh = 0, qt = 0;
        const start = localId[v]! * 32 + s0;
        stamp[start] = cur; parent[start] = -1; queue[qt++] = start;
        let hit = -1;
        const lo = prune ? prune.comp[u]! : 0;
        const hi = prune ? prune.comp[v]! : 0;
        search: while (qh < qt) {
          const x = queue[qh++]!;
          const w = group[x >> 5]!;
          const s = x & 31;
          if (++states > opts.maxStates || (states & 4095) === 0 && Date.now() > opts.deadline) return 'budget';
          for (let q = g.off[w]!; q < g.off[w + 1]!; q++) {
            const y = g.adj[q]!;
            if (comp[y] !== gc) continue;
            if (prune && (prune.comp[y]! < lo || prune.comp[y]! > hi)) continue;
            let m = g.mask[q]! & sp.allowed;
            while (m) {
              const k = m & -m;
              m &= m - 1;
              const s2 = step(sp, s, k);
              if (s2 < 0) continue;
              const id = localId[y]! * 32 + s2;
              if (stamp[id] === cur) continue;
              stamp[id] = cur; parent[id] = x; pkind[id] = k;
              if (y === u) {
                if (accepts(sp, s2)) { hit = id; break search; }
                continue; // never walk on through the anchor's source
              }
              queue[qt++] = id;
            }
          }
        }
        if (hit < 0) continue;
        // Walk back: path v .. u, then close with the anchor u -> v.
        const path: number[] = [];
        const kinds: number[] = [];
        for (let x = hit; x !== -1; x = parent[x]!) {
          path.push(group[x >> 5]!);
          kinds.push(parent[x] === -1 ? sp.anchor : pkind[x]!);
        }
        // path = [u, ..., v] reversed order; kinds[i] = kind of edge into path[i] (anchor into v).
        path.reverse(); kinds.reverse();
        // now path = [v, ..., u]; kinds[0] = anchor (u->v), kinds[i] = edge path[i-1] -> path[i]
        const txns = [u, ...path.slice(0, -1)];
        const ks = kinds; // edge txns[i] -> txns[i+1]: kinds[i]
        return simplify(g, sp.allowed, txns, ks);
      }
    }
    return null;
  }
}

/** Erase loops (a BFS over states may visit a vertex twice), then pick each step's most specific kind. */
function simplify(g: Graph, allowed: number, txns: number[], kinds: number[]): Cycle {
  const out: number[] = [];
  const pos = new Map<number, number>();
  for (const v of txns) {
    const p = pos.get(v);
    if (p !== undefined) {
      for (let i = p + 1; i < out.length; i++) pos.delete(out[i]!);
      out.length = p + 1;
    } else {
      pos.set(v, out.length);
      out.push(v);
    }
  }
  const ks: number[] = [];
  for (let i = 0; i < out.length; i++) {
    const a = out[i]!, b = out[(i + 1) % out.length]!;
    let m = 0;
    for (let p = g.off[a]!; p < g.off[a + 1]!; p++) if (g.adj[p] === b) m |= g.mask[p]!;
    m &= allowed;
    ks.push(m & -m);
  }
  void kinds;
  return { type: '', txns: out, kinds: ks };
}

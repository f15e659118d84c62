// Closed subsets as a fast, sound way to refute sequential consistency. An exhaustive search of
// a whole history must try every placement of every op (SC ignores real time: a process started
// late may go first), while a violation usually involves a few ops close together. A subset of
// the ops is closed when every value a required read or cas in it needs is written only by ops
// inside it; restricting a valid order of the whole history to a closed subset keeps every read's
// source (any write in between would have been the source), so it stays valid. Hence a closed
// subset that cannot be ordered refutes the whole history. Prefixes are tried first: cheap, and
// violations often sit early. (Windows in the middle of a history were tried and dropped: the
// ops that pin a write's place usually lie far before the window.)

import { READ, WRITE, CAS, type ScOp, type ScProblem } from './problem.js';
import { searchSC, type SearchLimits, type SearchResult } from './search.js';

/** Ops invoked before history index c; ops still open at c become crashed, their reads dropped. */
export function prefixAt(ops: readonly ScOp[], c: number): ScOp[] {
  const out: ScOp[] = [];
  for (const o of ops) {
    if (o.rec.invoke.index >= c) continue;
    const doneBy = o.rec.complete && o.rec.complete.index < c;
    if (doneBy || !o.required) out.push(o);
    else if (o.kind !== READ) out.push({ ...o, required: false });
  }
  return out;
}

const produced = (o: ScOp): number => (o.kind === WRITE ? o.a : o.kind === CAS ? o.b : -1);

/** Is every (key, value) needed in `prefix` written only by ops of `prefix` (checked against `all`)? */
export function isClosed(p: ScProblem, all: readonly ScOp[], prefix: readonly ScOp[]): boolean {
  const V = p.values.length;
  const inPrefix = new Set(prefix.map((o) => o.id));
  const needed = new Set<number>();
  // Crashed cas ops count too: if one takes effect, its expected value must have a source.
  for (const o of prefix) if ((o.required && o.kind !== WRITE) || o.kind === CAS) needed.add(o.key * V + o.a);
  for (const o of all) {
    if (inPrefix.has(o.id) || o.kind === READ) continue;
    if (needed.has(o.key * V + produced(o))) return false;
  }
  return true;
}

export interface RefuteResult {
  result: SearchResult;
  /** The ops the verdict is about: a closed prefix if that refuted, else all of them. */
  ops: ScOp[];
}

/** Adds to `subset` every producer (in `all`) of a value some required op in it needs, to a fixpoint. */
export function closeUnderProducers(p: ScProblem, all: readonly ScOp[], subset: readonly ScOp[]): ScOp[] {
  const V = p.values.length;
  const byKv = new Map<number, ScOp[]>();
  for (const o of all) {
    if (o.kind === READ) continue;
    const k = o.key * V + produced(o);
    (byKv.get(k) ?? byKv.set(k, []).get(k)!).push(o);
  }
  const out = [...subset];
  const ids = new Set(out.map((o) => o.id));
  for (let i = 0; i < out.length; i++) {
    const o = out[i]!;
    if ((!o.required && o.kind !== CAS) || o.kind === WRITE) continue;
    for (const q of byKv.get(o.key * V + o.a) ?? []) {
      if (!ids.has(q.id)) {
        ids.add(q.id);
        out.push(q);
      }
    }
  }
  return out.sort((x, y) => x.rec.invoke.index - y.rec.invoke.index);
}

/**
 * Search `ops`: first closed prefixes of growing length (1/32 … 1/2 of the ops) with a small
 * share of the budget each, then the whole with `share` of the remaining time.
 */
export function searchWithPrefixes(p: ScProblem, ops: ScOp[], limits: SearchLimits, share = 0.75): { r: RefuteResult; states: number } {
  let states = 0;
  if (ops.length > 200) {
    const ends = ops.map((o) => (o.rec.complete ? o.rec.complete.index : o.rec.invoke.index)).sort((a, b) => a - b);
    let lastSize = 0;
    for (const frac of [1 / 32, 1 / 16, 1 / 8, 1 / 4, 1 / 2]) {
      const cut = ends[Math.floor(ends.length * frac)]! + 1;
      const pre = prefixAt(ops, cut);
      if (pre.length < 50 || pre.length === lastSize || !isClosed(p, ops, pre)) continue;
      lastSize = pre.length;
      const now = Date.now();
      const r = searchSC(p, pre, {
        maxStates: Math.min(limits.maxStates, 200_000),
        deadline: Math.min(limits.deadline, now + Math.max(200, (limits.deadline - now) / 10)),
      });
      states += r.states;
      if (r.valid === false) return { r: { result: r, ops: pre }, states };
    }
  }
  if (ops.length <= 200) {
    const r = searchSC(p, ops, limits);
    return { r: { result: r, ops }, states: states + r.states };
  }
  // The whole search gets `share` of the remaining time; the caller may use the rest.
  const now = Date.now();
  const r = searchSC(p, ops, { ...limits, deadline: now + Math.floor((limits.deadline - now) * share) });
  return { r: { result: r, ops }, states: states + r.states };
}

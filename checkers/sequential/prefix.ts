// History prefixes as a fast, sound way to refute sequential consistency. A violation usually
// sits early, but an exhaustive search of the whole history must also try every placement of
// late ops (SC ignores real time: a process started late may go first). A prefix has far fewer
// of those. Refuting a prefix refutes the whole history when the prefix is closed: every value a
// required read or cas in it needs is written only by ops inside it (restricting a valid order of
// the whole to such a prefix keeps every read's source, so it would stay valid).

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
  for (const o of prefix) if (o.required && o.kind !== WRITE) needed.add(o.key * V + o.a);
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

/**
 * Search `ops`, first trying closed prefixes of growing length (1/32 … 1/2 of the ops) with a
 * small share of the budget each, then the whole.
 */
export function searchWithPrefixes(p: ScProblem, ops: ScOp[], limits: SearchLimits): { r: RefuteResult; states: number } {
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
  const r = searchSC(p, ops, limits);
  return { r: { result: r, ops }, states: states + r.states };
}

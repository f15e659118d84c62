// Explaining a sequential-consistency violation: shrink the failing ops to a small set that is
// still not sequentially consistent (first the shortest failing history prefix, then drop whole
// processes, then single ops), and present it as a LinearizabilityWitness with text.
// A candidate set is only accepted if it is closed under producers (else the "violation" could
// be an artefact of the shrinking, not of the history).

import type { LinearizabilityWitness, WitnessOp } from '../../src/protocols.js';
import { CAS, READ, WRITE, describeOp, type ScOp, type ScProblem } from './problem.js';
import { searchSC, type SearchResult } from './search.js';
import { isClosed, prefixAt } from './prefix.js';
import { showValue } from '../values.js';

export interface ShrinkBudget {
  /** Date.now() after which shrinking stops and keeps what it has. */
  deadline: number;
  /** State budget for each trial search. */
  trialStates: number;
}

/**
 * A candidate set must be closed: every value a required read or cas in it needs is written only
 * by ops inside it (all producers in the whole history). Then "this set cannot be ordered" implies
 * "the history cannot be ordered" (see prefix.ts), so the witness is real evidence.
 */
function fails(p: ScProblem, ops: readonly ScOp[], b: ShrinkBudget): boolean {
  if (!isClosed(p, p.ops, ops)) return false;
  return searchSC(p, ops, { maxStates: b.trialStates, deadline: b.deadline }).valid === false;
}

export function shrink(p: ScProblem, failing: readonly ScOp[], b: ShrinkBudget): ScOp[] {
  const V = p.values.length;
  const producers = new Map<number, number>(); // (key, value) -> producers in the whole history
  for (const o of p.ops) {
    if (o.kind === READ) continue;
    const k = o.key * V + (o.kind === WRITE ? o.a : o.b);
    producers.set(k, (producers.get(k) ?? 0) + 1);
  }
  const unwritten = failing.find((o) => o.required && o.kind !== WRITE && o.a !== p.init && !producers.has(o.key * V + o.a));
  if (unwritten) return [unwritten]; // a read of a value nobody wrote is a witness by itself
  let cur = [...failing];
  // 1. Shortest failing prefix (binary search on completion indices; monotone for real histories).
  const cuts = [...new Set(cur.map((o) => (o.rec.complete ? o.rec.complete.index + 1 : Infinity)))].filter(Number.isFinite).sort((x, y) => x - y);
  let lo = 0;
  let hi = cuts.length - 1;
  while (lo < hi && Date.now() < b.deadline) {
    const mid = (lo + hi) >> 1;
    if (fails(p, prefixAt(cur, cuts[mid]!), b)) hi = mid;
    else lo = mid + 1;
  }
  if (cuts.length) {
    const cand = prefixAt(cur, cuts[hi]!);
    if (cand.length < cur.length && fails(p, cand, b)) cur = cand;
  }
  // 2. Drop whole processes, then 3. chunks of ops, then single ops (latest first). Dropping a
  // producer also drops every op needing its value, so candidates stay closed.
  const without = (drop: readonly ScOp[]): ScOp[] => {
    const gone = new Set(drop.map((o) => o.id));
    for (let changed = true; changed; ) {
      changed = false;
      const have = new Map<number, number>();
      for (const o of cur) {
        if (gone.has(o.id) || o.kind === READ) continue;
        const k = o.key * V + (o.kind === WRITE ? o.a : o.b);
        have.set(k, (have.get(k) ?? 0) + 1);
      }
      for (const o of cur) {
        if (gone.has(o.id) || (!o.required && o.kind !== CAS) || o.kind === WRITE) continue;
        const k = o.key * V + o.a;
        if ((have.get(k) ?? 0) !== (producers.get(k) ?? 0)) {
          gone.add(o.id);
          changed = true;
        }
      }
    }
    return cur.filter((o) => !gone.has(o.id));
  };
  for (const proc of [...new Set(cur.map((o) => o.process))]) {
    if (Date.now() > b.deadline) break;
    const cand = without(cur.filter((o) => o.process === proc));
    if (cand.length && fails(p, cand, b)) cur = cand;
  }
  for (let size = Math.max(1, cur.length >> 2); ; size = Math.max(1, size >> 1)) {
    for (let end = cur.length; end > 0 && Date.now() < b.deadline; ) {
      const start = Math.max(0, end - size);
      const cand = without(cur.slice(start, end));
      if (cand.length && fails(p, cand, b)) cur = cand;
      end = Math.min(start, cur.length);
    }
    if (size === 1) break;
  }
  return cur;
}

export function witnessOpOf(p: ScProblem, o: ScOp): WitnessOp {
  const r = o.rec;
  return {
    index: r.invoke.index,
    completeIndex: r.complete && r.type !== 'info' ? r.complete.index : null,
    process: r.process,
    f: r.f,
    value: r.invoke.value,
    output: r.complete?.value ?? null,
    type: r.type,
    call: r.callNs,
    ret: r.type === 'info' ? null : r.retNs,
    label: describeOp(p, o),
  };
}

/** Builds the witness for a set of ops known not to be sequentially consistent. */
export function explain(p: ScProblem, ops: readonly ScOp[], deadline: number, key?: unknown): LinearizabilityWitness {
  const sorted = [...ops].sort((x, y) => x.rec.invoke.index - y.rec.invoke.index);
  const r: SearchResult = searchSC(p, sorted, { maxStates: 200_000, deadline, recordPath: true });
  const byId = new Map(ops.map((o) => [o.id, o]));
  const prefix = (r.deepest ?? []).map((id) => byId.get(id)!);
  // The op that cannot be placed: the earliest-invoked required op at the head of a process.
  let failing: ScOp | undefined;
  r.processes.forEach((l, q) => {
    const i = r.deepestFrontier?.[q] ?? 0;
    const o = i < l.length ? byId.get(l[i]!) : undefined;
    if (o && o.required && (!failing || o.rec.invoke.index < failing.rec.invoke.index)) failing = o;
  });
  const vname = (i: number): string => showValue(p.values[i]);
  const stateText = p.keyed
    ? [...new Set(ops.map((o) => o.key))].map((k) => `${showValue(p.keys[k])}=${vname(r.deepestState?.[k] ?? p.init)}`).join(', ')
    : vname(r.deepestState?.[0] ?? p.init);
  const lines: string[] = [];
  const where = key !== undefined ? ` on key ${showValue(key)}` : '';
  lines.push(`Not sequentially consistent (${p.model}${where}): no single order of these ${ops.length} ops keeps every process's own order and the register semantics.`);
  const procs = [...new Set(sorted.map((o) => o.process))];
  for (const q of procs) {
    lines.push(`  process ${q}: ${sorted.filter((o) => o.process === q).map((o) => describeOp(p, o)).join(', ')}`);
  }
  lines.push(`Longest valid order found (${prefix.length} ops): ${prefix.map((o) => `p${o.process} ${describeOp(p, o)}`).join('; ') || '(none)'}`);
  if (failing) {
    const o = failing;
    const need = o.kind === READ ? `needs ${vname(o.a)}` : o.kind === CAS ? `expects ${vname(o.a)}` : '';
    lines.push(`Then p${o.process} ${describeOp(p, o)} (history index ${o.rec.invoke.index}) cannot be placed: the state is ${stateText}${need ? `, the op ${need}` : ''}, and every other order fails too.`);
  }
  return {
    model: p.model,
    ...(key !== undefined ? { key } : {}),
    ops: sorted.map((o) => witnessOpOf(p, o)),
    prefix: prefix.map((o) => o.rec.invoke.index),
    failing: failing ? failing.rec.invoke.index : sorted[sorted.length - 1]?.rec.invoke.index ?? -1,
    states: [stateText],
    text: lines.join('\n'),
  };
}

// The `sequential` checker plugin: sequential consistency of register, cas-register and
// key-value histories. Per-key searches run first because a violation on one key is a violation
// of the whole; but sequential consistency is not compositional, so "valid" is only ever
// concluded from a search over the whole map of keys.

import type { History } from '../../src/history.js';
import type { CheckOptions, CheckResult, LinearizabilityWitness } from '../../src/protocols.js';
import { optBool, optJsonValue, optNum, optStr } from '../op-pairs.js';
import { defineChecker, mergingOptions } from '../registry.js';
import { buildProblem, describeOp, WRITE, type ScOp, type ScProblem } from './problem.js';
import { mergeKeyOrders } from './merge.js';
import { closeUnderProducers, searchWithPrefixes } from './prefix.js';
import { saturate, type SaturationCycle } from './saturate.js';
import { searchSC } from './search.js';
import { explain, shrink, witnessOpOf } from './witness.js';
import { showValue } from '../values.js';
import { timeLimitMs } from '../budget.js';
import { opt } from '../../src/plugin/options.js';

export interface SequentialOptions extends CheckOptions {
  model?: string;
  keyed?: boolean;
  init?: unknown;
  /** Distinct (frontier, state) pairs before 'unknown'. Default from memoryLimitBytes (≈200 B each). */
  maxStates?: number;
}

const DEFAULT_TIME_MS = 60_000;
const DEFAULT_MEMORY = 1 << 30;

function ungrounded(p: ScProblem, ops: readonly ScOp[]): ScOp | undefined {
  const have = new Set<string>();
  for (const o of ops) if (o.kind !== 0) have.add(`${o.key}:${o.kind === WRITE ? o.a : o.b}`);
  return ops.find((o) => o.required && o.kind !== WRITE && o.a !== p.init && !have.has(`${o.key}:${o.a}`));
}

function invalid(p: ScProblem, failing: ScOp[], start: number, deadline: number, states: number, perKey: Record<string, string>, key?: unknown): CheckResult {
  // Explaining gets its own few seconds even if the search used most of the budget.
  const shrinkDeadline = Math.max(Date.now() + 2000, Math.min(deadline, Date.now() + 10_000));
  const small = shrink(p, failing, { deadline: shrinkDeadline, trialStates: 5_000 });
  const witness: LinearizabilityWitness = explain(p, small, shrinkDeadline + 2000, key);
  const failOp = small.find((o) => o.rec.invoke.index === witness.failing) ?? small[small.length - 1]!;
  return {
    valid: false,
    model: p.model,
    summary: `not sequentially consistent${key !== undefined ? ` (key ${showValue(key)})` : ''}: ${small.length} ops cannot be ordered`,
    witness,
    anomalies: [{ index: failOp.rec.index, message: `${describeOp(p, failOp)} cannot be placed in any order that respects process order` }],
    stats: { ops: p.ops.length, keys: p.keys.length, states, ms: Date.now() - start, ...(p.keys.length > 1 ? { perKey } : {}) },
  };
}

function invalidByCycle(p: ScProblem, cycle: SaturationCycle, start: number, deadline: number): CheckResult {
  // Prefer a searched, shrunk witness; the cycle's ops plus their writers usually suffice.
  const set = closeUnderProducers(p, p.ops, cycle.involved);
  const r = searchSC(p, set, { maxStates: 50_000, deadline: Math.min(deadline, Date.now() + 2000) });
  if (r.valid === false) {
    const res = invalid(p, set, start, deadline, r.states, {});
    const w = res.witness as LinearizabilityWitness;
    w.text += `\nWhy, as a cycle of orders:\n${cycle.text}`;
    return res;
  }
  const first = cycle.ops[0]!;
  const witness: LinearizabilityWitness = {
    model: p.model,
    ops: [...cycle.involved].sort((x, y) => x.rec.invoke.index - y.rec.invoke.index).map((o) => witnessOpOf(p, o)),
    prefix: [],
    failing: first.rec.invoke.index,
    states: [],
    text: `Not sequentially consistent (${p.model}): no single order of the ops keeps every process's own order and the register semantics.\n${cycle.text}`,
  };
  return {
    valid: false, model: p.model, summary: `not sequentially consistent: a cycle of ${cycle.ops.length} ops that must each precede the next`, witness,
    anomalies: [{ index: first.rec.index, message: `${describeOp(p, first)} is on a cycle of required orders` }],
    stats: { ops: p.ops.length, keys: p.keys.length, states: 0, ms: Date.now() - start },
  };
}

export async function checkSequential(history: History, opts: SequentialOptions = {}): Promise<CheckResult> {
  const start = Date.now();
  const p = buildProblem(history, { model: opts.model, keyed: opts.keyed, init: opts.init });
  const deadline = start + (timeLimitMs(opts.timeLimitMs) ?? DEFAULT_TIME_MS);
  const maxStates = opts.maxStates ?? Math.max(10_000, Math.floor((opts.memoryLimitBytes ?? DEFAULT_MEMORY) / 200));
  let states = 0;

  const bad = ungrounded(p, p.ops);
  if (bad) {
    const w = explain(p, [bad], Date.now() + 1000, p.keyed ? p.keys[bad.key] : undefined);
    w.text = `Not sequentially consistent: p${bad.process} ${describeOp(p, bad)} (history index ${bad.rec.invoke.index}) observes a value that no operation wrote.`;
    return {
      valid: false, model: p.model, summary: `read of a value never written: ${describeOp(p, bad)}`, witness: w,
      anomalies: [{ index: bad.rec.index, message: `${describeOp(p, bad)}: no op wrote this value` }],
      stats: { ops: p.ops.length, keys: p.keys.length, states: 0, ms: Date.now() - start },
    };
  }

  // Per-key refutation: cheap and often enough to find the violation.
  const perKey: Record<string, string> = {};
  if (p.keyed && p.keys.length > 1) {
    const byKey = new Map<number, ScOp[]>();
    for (const o of p.ops) {
      let l = byKey.get(o.key);
      if (!l) byKey.set(o.key, (l = []));
      l.push(o);
    }
    const orders: number[][] = [];
    for (const [k, ops] of byKey) {
      const { r: { result: r, ops: failing }, states: n } = searchWithPrefixes(p, ops, { maxStates, deadline });
      states += n;
      perKey[showValue(p.keys[k])] = String(r.valid);
      if (r.valid === false) return invalid(p, failing, start, deadline, states, perKey, p.keys[k]);
      if (r.valid === true && r.order) orders.push(r.order);
      // Yield between keys so a long check does not starve the event loop.
      await new Promise<void>((res) => setImmediate(res));
    }
    // Each key has a legal order: if they interleave without breaking a process's order, that
    // interleaving is a legal order of the whole map (keys are independent registers).
    if (orders.length === byKey.size && mergeKeyOrders(p, orders)) {
      return {
        valid: true, model: p.model,
        summary: `sequentially consistent: ${p.ops.length} ops over ${p.keys.length} keys in one total order (the per-key orders interleave)`,
        stats: { ops: p.ops.length, keys: p.keys.length, states, ms: Date.now() - start, perKey },
      };
    }
  }

  // Whole map: a first search with a small share of the time (valid histories finish here),
  // then the saturation refutation, then a search with all the time that is left.
  const first = searchWithPrefixes(p, p.ops, { maxStates, deadline }, 0.15);
  states += first.states;
  let { result: r, ops: failing } = first.r;
  if (r.valid === 'unknown') {
    // Orders every valid total order must contain (certain sources): a cycle refutes the history
    // however many ways there are to interleave it.
    const cycle = saturate(p, p.ops, Date.now() + Math.max(500, (deadline - Date.now()) * 0.35));
    if (cycle) return invalidByCycle(p, cycle, start, Date.now() + 10_000);
    r = searchSC(p, p.ops, { maxStates: Math.max(0, maxStates - states), deadline });
    failing = p.ops;
    states += r.states;
  }
  const stats = { ops: p.ops.length, keys: p.keys.length, states, ms: Date.now() - start, ...(p.keys.length > 1 ? { perKey } : {}) };
  if (r.valid === true) {
    return {
      valid: true, model: p.model,
      summary: `sequentially consistent: ${p.ops.length} ops${p.keyed ? ` over ${p.keys.length} keys` : ''} in one total order`,
      stats,
    };
  }
  if (r.valid === 'unknown') {
    return { valid: 'unknown', model: p.model, summary: `sequential consistency unknown: ${r.reason}`, error: r.reason, stats };
  }
  return invalid(p, failing, start, deadline, states, perKey);
}

export const sequentialPlugin = defineChecker({
  name: 'sequential',
  options: {
    model: opt.string({ default: 'cas-register', doc: 'register, cas-register or kv' }),
    keyed: opt.boolean({ doc: 'values are [key, value]: a map of registers (default: detected)' }),
    maxStates: opt.number({ integer: true, min: 1, doc: 'search states before giving up (unknown)' }),
    init: opt.json({ doc: 'the initial value (JSON; big integers stay exact)' }),
  },
  doc: 'sequential consistency of register / cas-register / kv histories (one total order respecting process order)',
  create: mergingOptions('sequential', (h, a) => checkSequential(h, { ...a, model: optStr(a.model), keyed: optBool(a.keyed), maxStates: optNum(a.maxStates), init: optJsonValue(a.init, '--opt init') })),
  format(result: CheckResult): string {
    const lines = [String(result.summary ?? '')];
    const w = result.witness as LinearizabilityWitness | undefined;
    if (w) lines.push(w.text);
    const s = result.stats as { states?: number; ms?: number } | undefined;
    if (s) lines.push(`(${s.states ?? 0} states explored in ${s.ms ?? 0} ms)`);
    return lines.join('\n');
  },
});

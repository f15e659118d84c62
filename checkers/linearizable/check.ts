// The linearizability checker: prepare the partitions, search them interleaved in small slices
// (so one hard key cannot hide a violation that another key shows in milliseconds - Porcupine's
// c50-bad), stop at the first violation, enforce the time and memory budgets (then the verdict is
// 'unknown', never a false true), and explain a violation with a shrunk witness.

import { getHeapStatistics } from 'node:v8';
import { badArgument } from '../../src/errors.js';
import type { History } from '../../src/history.js';
import type { AnomalyRef, CheckResult, LinearizabilityWitness, Validity } from '../../src/protocols.js';
import type { Model } from './model.js';
import { models } from './models/index.js';
import { prepare } from './prepare.js';
import { Search } from './search.js';
import { buildWitness, RELAXED_SUFFIX } from './witness.js';
import { showValue } from '../values.js';
import { timeLimitMs } from '../budget.js';

export interface LinearizableOptions {
  /** A model name (see `models`) or a Model record. */
  model: string | Model<unknown>;
  /** Split by the model's partition (keys); false checks the whole map as one state. Default true. */
  partition?: boolean;
  /** `[k, v]` tuples of independent keys: 'auto' (default), true, false. */
  independent?: boolean | 'auto';
  timeLimitMs?: number;
  /** Budget for the memoization tables (approximate bytes). Default 1 GiB. */
  memoryLimitBytes?: number;
  /** Build a witness for a violation (default true) and how long shrinking may take (default 5 s). */
  witness?: boolean;
  witnessTimeMs?: number;
  /** Steps per partition per round of the interleaved scheduler. */
  sliceSteps?: number;
  /** The model's initial value instead of its own (for models with `initFrom`). */
  init?: unknown;
}

export interface LinearizableResult extends CheckResult {
  valid: Validity;
  model: string;
  partitions: number;
  partitionsDecided: number;
  independent: boolean;
  stats: { explored: number; memoEntries: number; peakMemoBytes: number; ms: number; witnessMs?: number };
  counts: ReturnType<typeof prepare>['counts'];
  witness?: LinearizabilityWitness;
  /** Ops in the witness's core (the constrained ops; the rest of `witness.ops` are relaxed or crashed). */
  witnessSize?: number;
  anomalies: AnomalyRef[];
}

export function resolveModel(m: string | Model<unknown>, init?: unknown): Model<unknown> {
  const found = typeof m === 'string' ? models[m] : m;
  if (!found) throw badArgument(`unknown model '${m}' (known: ${Object.keys(models).join(', ')})`, '--model');
  return init === undefined ? found : withInit(found, init);
}

/** The model starting from the user's initial value (also a possible state for witness windows). */
function withInit(model: Model<unknown>, init: unknown): Model<unknown> {
  if (!model.initFrom) throw badArgument(`the ${model.name} model does not take an initial value`, '--opt init');
  let s0: unknown;
  try {
    s0 = model.initFrom(init);
  } catch (e) {
    throw badArgument(`bad initial value for ${model.name}: ${(e as Error).message}`, '--opt init');
  }
  return {
    ...model,
    init: () => s0,
    initialStates: model.initialStates ? (ops) => {
      const base = model.initialStates!(ops);
      return base && [...base, s0];
    } : undefined,
  };
}

export function checkLinearizable(history: History, opts: LinearizableOptions): LinearizableResult {
  const model = resolveModel(opts.model, opts.init);
  timeLimitMs(opts.timeLimitMs); // the same rule as every checker: positive, or absent
  const t0 = performance.now();
  const prepared = prepare(history, model, { partition: opts.partition, independent: opts.independent });
  const deadline = opts.timeLimitMs !== undefined ? t0 + opts.timeLimitMs : Infinity;
  const memLimit = opts.memoryLimitBytes ?? 1 << 30;
  const slice = opts.sliceSteps ?? 1000;
  // Safety net beside the memo accounting: never let the process reach V8's heap limit (a crash).
  const heapCeiling = getHeapStatistics().heap_size_limit * 0.85;
  let round = 0;

  const parts = prepared.partitions.filter((p) => p.ops.length > 0);
  const searches = parts.map((p) => new Search(model, p.ops));
  let active = searches.map((_, i) => i).filter((i) => searches[i]!.status === 'running');
  let failed = -1;
  let exhausted: string | undefined;
  let peak = 0;
  while (active.length && failed < 0 && !exhausted) {
    let live = 0;
    let n = 0;
    for (const i of active) {
      const s = searches[i]!;
      if (s.run(slice) === 'fail') {
        failed = i;
        break;
      }
      if (s.status === 'running') live += s.memoBytes();
      // Thousands of keys make a long round: look at the clock within it too.
      if ((++n & 255) === 0 && performance.now() > deadline) break;
    }
    if (failed >= 0) break;
    active = active.filter((i) => searches[i]!.status === 'running');
    peak = Math.max(peak, live);
    if (live > memLimit) exhausted = `memory budget of ${memLimit} bytes exhausted`;
    else if ((++round & 63) === 0 && process.memoryUsage().heapUsed > heapCeiling) exhausted = `the JavaScript heap is nearly full (${Math.round(heapCeiling / 2 ** 20)} MiB)`;
    else if (performance.now() > deadline) exhausted = `time limit of ${opts.timeLimitMs} ms exhausted`;
  }
  const ms = performance.now() - t0;
  const explored = searches.reduce((a, s) => a + s.stats.steps, 0);
  const memoEntries = searches.reduce((a, s) => a + s.stats.memoEntries, 0);
  const decided = searches.filter((s) => s.status !== 'running').length;
  const base = {
    model: model.name,
    partitions: parts.length,
    partitionsDecided: decided,
    independent: prepared.independent,
    counts: prepared.counts,
  };
  const stats: LinearizableResult['stats'] = { explored, memoEntries, peakMemoBytes: peak, ms: Math.round(ms * 1000) / 1000 };
  const keyDesc = (i: number): string => (parts[i]!.key !== undefined ? ` on key ${showValue(parts[i]!.key)}` : '');

  if (failed >= 0) {
    const part = parts[failed]!;
    const result: LinearizableResult = {
      valid: false,
      ...base,
      stats,
      anomalies: [],
      summary: `not linearizable${keyDesc(failed)} (model ${model.name})`,
    };
    if (opts.witness ?? true) {
      const w0 = performance.now();
      const witness = buildWitness(model, part.ops, searches[failed]!.furthestBlock, {
        // Explaining is extra work: never longer than the verdict's own budget.
        deadline: w0 + Math.min(opts.witnessTimeMs ?? 5000, opts.timeLimitMs ?? Infinity),
        key: part.key,
        keyed: prepared.independent,
      });
      stats.witnessMs = Math.round((performance.now() - w0) * 1000) / 1000;
      const f = witness.ops.find((o) => o.index === witness.failing);
      result.witness = witness;
      result.anomalies.push({
        index: f?.completeIndex ?? witness.failing,
        message: `${f?.label ?? 'op'} cannot be linearized${keyDesc(failed)}: the ${model.name} could be ${witness.states.join(' | ') || '?'}`,
      });
      for (const o of witness.ops) if (o.index !== witness.failing) result.anomalies.push({ index: o.completeIndex ?? o.index, message: `part of the non-linearizable set: ${o.label}` });
      const core = witness.ops.filter((o) => !o.label.endsWith(RELAXED_SUFFIX) && o.type !== 'info').length;
      result.witnessSize = core;
      result.summary = `not linearizable${keyDesc(failed)}: ${core} ops cannot be linearized together (model ${model.name})`;
    }
    return result;
  }
  if (exhausted) {
    const undecided = searches.map((s, i) => (s.status === 'running' ? i : -1)).filter((i) => i >= 0);
    const keys = undecided.slice(0, 10).map((i) => showValue(parts[i]!.key));
    return {
      valid: 'unknown',
      ...base,
      stats,
      anomalies: [],
      error: `${exhausted} after exploring ${explored} steps (${memoEntries} memoized configurations); ${decided} of ${parts.length} partitions decided linearizable${prepared.independent || parts.length > 1 ? `, undecided keys: ${keys.join(', ')}${undecided.length > 10 ? ', ...' : ''}` : ''}`,
      summary: `unknown: ${exhausted}`,
    };
  }
  return {
    valid: true,
    ...base,
    stats,
    anomalies: [],
    summary: `linearizable (model ${model.name}, ${prepared.counts.ops} ops in ${parts.length} partition${parts.length === 1 ? '' : 's'})`,
  };
}

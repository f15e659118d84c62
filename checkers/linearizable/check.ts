// The linearizability checker: prepare the partitions, search them on this thread and on the
// worker pool's threads at once (schedule.ts: each thread interleaves its partitions, so one hard
// key cannot hide a violation that another key shows in milliseconds - Porcupine's c50-bad), stop
// everything at the first violation, enforce the time and memory budgets (then the verdict is
// 'unknown', never a false true), and explain a violation with a shrunk witness.

import { MessageChannel, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import type { History } from '../../src/history.js';
import { Packer, Unpackable } from '../../src/parallel/codec.js';
import { readyWorkers, registerWorkerTask, warmPool, type PoolWorker } from '../../src/parallel/pool.js';
import type { AnomalyRef, CheckResult, LinearizabilityWitness, Validity } from '../../src/protocols.js';
import type { Model, Partition } from './model.js';
import { packPartitions } from './pack.js';
import { prepare } from './prepare.js';
import { builtinName, resolveModel } from './resolve-model.js';
import { epochNow, ERROR, FAIL, HEAP, Job, LOST, MEMORY, OK, RUNNING, runThread, TIME, UNCLAIMED } from './schedule.js';
import { buildWitness, RELAXED_SUFFIX } from './witness.js';
import { findStaleRead } from './stale-reads.js';
import { showValue } from '../values.js';
import { timeLimitMs } from '../budget.js';
import { checkpoint } from '../../src/budget.js';
import type { LinearizableJob } from './worker-task.js';

export { resolveModel } from './resolve-model.js';

// Beside this module, with its extension: .ts in a checkout, .js in the built package.
registerWorkerTask('linearizable', new URL(`./worker-task${import.meta.url.slice(import.meta.url.lastIndexOf('.'))}`, import.meta.url));

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
  /** Steps a partition gets when first claimed (later rounds grow geometrically). Default 1000. */
  sliceSteps?: number;
  /**
   * Most pool worker threads to use beside this one (default: all the pool has; 0: this thread
   * only). Workers are used for built-in models, two partitions or more, and histories big enough
   * to pay for the hand-over; the pool starts in the background on the first such check.
   */
  workers?: number;
  /** The model's initial value instead of its own (for models with `initFrom`). */
  init?: unknown;
  /**
   * Look for stale reads before searching (stale-reads.ts: a proof without a search, for models
   * with `readDooms`). Default true; false measures or exercises the search alone.
   */
  staleReads?: boolean;
}

export interface LinearizableResult extends CheckResult {
  valid: Validity;
  model: string;
  partitions: number;
  partitionsDecided: number;
  independent: boolean;
  stats: { explored: number; memoEntries: number; peakMemoBytes: number; ms: number; witnessMs?: number; threads: number };
  counts: ReturnType<typeof prepare>['counts'];
  witness?: LinearizabilityWitness;
  /** Ops in the witness's core (the constrained ops; the rest of `witness.ops` are relaxed or crashed). */
  witnessSize?: number;
  anomalies: AnomalyRef[];
}

/** Partitions and ops below which handing work to other threads costs more than it saves. */
const MIN_PARALLEL_OPS = 200;
/** A worker thread that has not advanced for this long is taken as lost (the check ends 'unknown'). */
const LOST_MS = 30_000;

export function checkLinearizable(history: History, opts: LinearizableOptions): LinearizableResult {
  const model = resolveModel(opts.model, opts.init);
  timeLimitMs(opts.timeLimitMs); // the same rule as every checker: positive, or absent
  const t0 = performance.now();
  const prepared = prepare(history, model, { partition: opts.partition, independent: opts.independent });
  const deadline = opts.timeLimitMs !== undefined ? epochNow() + opts.timeLimitMs : Infinity;
  const memLimit = opts.memoryLimitBytes ?? 1 << 30;
  const parts = prepared.partitions.filter((p) => p.ops.length > 0);

  // Cheap proofs first, on this thread: a stale read in any partition decides the check before
  // any search starts or any work is handed to other threads.
  // Bounded (it only saves time): a few ms plus a microsecond per op.
  let stale: { part: number; block: number } | undefined;
  const staleUntil = Math.min(performance.now() + 5 + prepared.counts.ops / 1000, performance.now() + deadline - epochNow());
  for (let i = 0; i < parts.length && !stale && (opts.staleReads ?? true); i++) {
    if ((i & 63) === 63) checkpoint('looking for stale reads');
    const found = findStaleRead(model, parts[i]!.ops, staleUntil);
    if (found) stale = { part: i, block: parts[i]!.ops[found.b]!.completeIndex! };
  }
  const helpers = stale ? [] : chooseHelpers(opts, parts, prepared.counts.ops);
  const job = new Job(parts.length, 1 + helpers.length);
  const ports = handOver(job, helpers, parts, opts, deadline, memLimit);
  try {
    if (!stale) runThread(job, model, (i) => parts[i]!.ops, { thread: 0, deadline, memoryLimitBytes: memLimit, firstSteps: opts.sliceSteps, steal: true });
    if (ports.length) waitForHelpers(job, deadline, memLimit);
  } catch (e) {
    job.stop(ERROR); // release the helpers
    for (const p of ports) p.close();
    throw e;
  }
  const errors = ports.flatMap((p) => {
    const got: string[] = [];
    for (let m = receiveMessageOnPort(p); m; m = receiveMessageOnPort(p)) got.push(String(m.message));
    p.close();
    return got;
  });
  if (job.stopped() === ERROR) throw new Error(`linearizability check failed in a worker thread: ${errors[0] ?? 'no message'}`);

  const ms = performance.now() - t0;
  let explored = 0;
  let memoEntries = 0;
  let decided = 0;
  let failed = stale?.part ?? -1;
  if (stale) decided = 1;
  for (let i = 0; i < parts.length; i++) {
    explored += job.steps(i);
    memoEntries += job.memoEntries(i);
    const st = job.status(i);
    if (st === OK || st === FAIL) decided++;
    if (st === FAIL && failed < 0) failed = i;
  }
  const stop = job.stopped();
  const exhausted =
    stop === TIME ? `time limit of ${opts.timeLimitMs} ms exhausted`
    : stop === MEMORY ? `memory budget of ${memLimit} bytes exhausted`
    : stop === HEAP ? 'a JavaScript heap is nearly full (85 % of its limit)'
    : stop === LOST ? `a worker thread stopped responding for ${LOST_MS / 1000} s`
    : undefined;
  const base = {
    model: model.name,
    partitions: parts.length,
    partitionsDecided: decided,
    independent: prepared.independent,
    counts: prepared.counts,
  };
  const stats: LinearizableResult['stats'] = { explored, memoEntries, peakMemoBytes: job.peakMemo(), ms: Math.round(ms * 1000) / 1000, threads: 1 + ports.length };
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
      const witness = buildWitness(model, part.ops, stale?.block ?? job.furthestBlock(failed), {
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
    const undecided = parts.map((_, i) => (job.status(i) === RUNNING || job.status(i) === UNCLAIMED ? i : -1)).filter((i) => i >= 0);
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

/** Pool workers to share this check with (none if it would not pay or cannot be sent). */
function chooseHelpers(opts: LinearizableOptions, parts: Partition[], ops: number): PoolWorker[] {
  if ((opts.workers ?? Infinity) <= 0 || parts.length < 2 || ops < MIN_PARALLEL_OPS || !builtinName(opts.model)) return [];
  const ready = readyWorkers('linearizable');
  if (!ready.length) void warmPool(); // for the next check: this one does not wait for it
  return ready.slice(0, opts.workers ?? Infinity);
}

/** Post the job to each helper; the ports their errors come back on ([] if nothing was sent). */
function handOver(job: Job, helpers: PoolWorker[], parts: Partition[], opts: LinearizableOptions, deadline: number, memLimit: number): MessagePort[] {
  if (!helpers.length) return [];
  // Each worker gets the ops of its own share only (it never takes over another's).
  let packed: ReturnType<typeof packPartitions>[];
  let init: ReturnType<Packer['finish']> | undefined;
  try {
    packed = helpers.map((_, k) => packPartitions(parts, (i) => i % job.threads === k + 1));
    if (opts.init !== undefined) {
      const p = new Packer();
      p.value(opts.init);
      init = p.finish();
    }
  } catch (e) {
    if (e instanceof Unpackable) return []; // values a worker cannot receive: this thread does it all
    throw e;
  }
  return helpers.map((w, k) => {
    const { port1, port2 } = new MessageChannel();
    const payload: LinearizableJob = {
      buffers: job.buffers,
      partitions: parts.length,
      threads: job.threads,
      thread: k + 1,
      model: builtinName(opts.model)!,
      init,
      parts: packed[k]!,
      deadline,
      memoryLimitBytes: memLimit,
      firstSteps: opts.sliceSteps,
      errors: port2,
    };
    w.post('linearizable', payload, [port2]);
    return port1;
  });
}

/** After this thread's share: wait for the partitions other threads hold, or a stop. */
function waitForHelpers(job: Job, deadline: number, memLimit: number): void {
  const beats = new Map<number, { beat: number; at: number }>();
  for (;;) {
    if (job.stopped() !== 0) return;
    const seen = job.changes();
    const pending: number[] = [];
    for (let i = 0; i < job.n; i++) if (job.status(i) === RUNNING || job.status(i) === UNCLAIMED) pending.push(i);
    if (!pending.length) return;
    job.waitChange(seen, 25);
    const now = epochNow();
    if (now > deadline) job.stop(TIME);
    else if (job.memo(0, 0) > memLimit) job.stop(MEMORY);
    for (const i of pending) {
      const t = job.owner(i);
      if (t === 0 || job.status(i) !== RUNNING) continue;
      const beat = job.heartbeat(t);
      const last = beats.get(t);
      if (!last || last.beat !== beat) beats.set(t, { beat, at: now });
      else if (now - last.at > LOST_MS) job.stop(LOST);
    }
  }
}

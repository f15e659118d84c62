// Helpers shared by generator combinators: restricting a context to some threads, turning an
// op spec into a planned op on a free thread, picking the soonest of several candidate ops.

import type { GenContext, GenResult, OpSpec, PlannedOp, Thread } from './core.js';

const intersections = new WeakMap<readonly Thread[], { all: readonly Thread[]; result: Thread[]; set: Set<Thread> }>();

/** A view of the context in which only `threads` exist. */
export function restrict(ctx: GenContext, threads: readonly Thread[]): GenContext {
  // Thread sets are stable arrays, so cache their intersection with the context's threads.
  let memo = intersections.get(threads);
  if (!memo || memo.all !== ctx.allThreads) {
    const all = new Set(ctx.allThreads);
    const result = threads.filter((t) => all.has(t));
    memo = { all: ctx.allThreads, result, set: new Set(result) };
    intersections.set(threads, memo);
  }
  if (memo.result.length === ctx.allThreads.length) return ctx;
  const allowed = memo.set;
  const free: Thread[] = [];
  for (const t of ctx.freeThreads) if (allowed.has(t)) free.push(t);
  return { time: ctx.time, rng: ctx.rng, workers: ctx.workers, processThreads: ctx.processThreads, lastOpAt: ctx.lastOpAt, allThreads: memo.result, freeThreads: free };
}

/** The thread running `process`, if any. */
export function threadOf(ctx: GenContext, process: unknown): Thread | undefined {
  return ctx.processThreads.get(process as never);
}

/**
 * The free thread to run the next op: the one whose last op started longest ago, so that every
 * thread gets its share of ops whatever its ops' latency. A random free thread gave a thread
 * whose node failed every request at once far more than its share (it is nearly always free),
 * and so did the thread idle longest (it is idle from the moment its op fails). Ties, and
 * contexts that do not track this, go to a random free thread (as in Jepsen): always taking the
 * first would send nearly every op to the first thread's node at low rates, and faults on the
 * other nodes would touch no client.
 */
export function pickFree(ctx: GenContext): Thread | undefined {
  const free = ctx.freeThreads;
  if (free.length <= 1) return free[0];
  const idle = ctx.lastOpAt;
  if (!idle) return free[ctx.rng.int(free.length)];
  let best: Thread | undefined;
  let since = Infinity;
  let ties = 0;
  for (const t of free) {
    const s = idle.get(t) ?? 0;
    if (s < since) {
      best = t;
      since = s;
      ties = 1;
    } else if (s === since && ctx.rng.int(++ties) === 0) {
      best = t;
    }
  }
  return best;
}

/** The oldest last-op time among the free threads of `ctx` (undefined: none free, or not tracked). */
export function oldestLastOp(ctx: GenContext): number | undefined {
  const idle = ctx.lastOpAt;
  if (!idle || ctx.freeThreads.length === 0) return undefined;
  let since = Infinity;
  for (const t of ctx.freeThreads) since = Math.min(since, idle.get(t) ?? 0);
  return since;
}

/**
 * Complete an op spec: on the free thread that `pickFree` chooses (or the thread whose process
 * the spec names), at the context's time unless the spec says later. Null when no thread is free.
 */
export function fillIn(spec: OpSpec, ctx: GenContext): PlannedOp | null {
  let process = spec.process;
  if (process === undefined) {
    const t = pickFree(ctx);
    if (t === undefined) return null;
    process = ctx.workers.get(t);
    if (process === undefined) return null;
  } else {
    const t = threadOf(ctx, process);
    if (t === undefined || !ctx.freeThreads.includes(t)) return null;
  }
  const op: PlannedOp = {
    type: spec.type ?? 'invoke',
    f: spec.f,
    value: spec.value === undefined ? null : spec.value,
    process,
    time: spec.time === undefined || spec.time < ctx.time ? ctx.time : spec.time,
  };
  // Extra fields (e.g. `final: true`) travel with the op into the history.
  for (const k in spec) if (!STANDARD.has(k)) op[k] = spec[k];
  return op;
}

const STANDARD = new Set(['type', 'f', 'value', 'process', 'time']);

/**
 * A candidate op of one of several generators. `weight` is how many free threads it stands for;
 * `lastOpAt` the oldest last-op time among them (see GenContext.lastOpAt).
 */
export interface Candidate {
  res: GenResult;
  i: number;
  weight?: number;
  lastOpAt?: number;
}

/**
 * The candidate with the earliest op; pending if any is pending and none has an op. Ties (the
 * usual case: every generator can run an op now) go to the candidate whose free thread started
 * its last op longest ago, and failing that are broken at random in proportion to the candidates' weights,
 * as Jepsen's soonest-op-map does. Taking the first would starve the others: with threads to
 * spare, the first key group of independent keys ran every op.
 */
export function soonest(results: readonly Candidate[], rng: GenContext['rng']): Candidate | null {
  let best: Candidate | null = null;
  let bestTime = Infinity;
  let bestIdle = Infinity;
  /** Total weight of the candidates tied with best (reservoir sampling over the ties). */
  let tied = 0;
  for (const r of results) {
    if (r.res === null) continue;
    if ('pending' in r.res) {
      if (best === null) best = r;
      continue;
    }
    const t = r.res.op.time;
    const idle = r.lastOpAt ?? Infinity;
    const w = Math.max(0, r.weight ?? 1);
    if (t < bestTime || (t === bestTime && idle < bestIdle)) {
      best = r;
      bestTime = t;
      bestIdle = idle;
      tied = w;
    } else if (t === bestTime && idle === bestIdle && w > 0) {
      tied += w;
      if (rng.next() * tied < w) best = r;
    }
  }
  return best;
}

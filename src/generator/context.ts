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
  return { time: ctx.time, rng: ctx.rng, workers: ctx.workers, processThreads: ctx.processThreads, allThreads: memo.result, freeThreads: free };
}

/** The thread running `process`, if any. */
export function threadOf(ctx: GenContext, process: unknown): Thread | undefined {
  return ctx.processThreads.get(process as never);
}

/**
 * Complete an op spec: on a random free thread of the context (or the thread whose process the
 * spec names), at the context's time unless the spec says later. Null when no thread is free.
 */
export function fillIn(spec: OpSpec, ctx: GenContext): PlannedOp | null {
  let process = spec.process;
  if (process === undefined) {
    // A random free thread (as Jepsen does): taking the first would send nearly every op to the
    // first thread's node at low rates, and faults on the other nodes would touch no client.
    const free = ctx.freeThreads;
    if (free.length === 0) return null;
    const t = free.length === 1 ? free[0]! : free[ctx.rng.int(free.length)]!;
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

/** The result with the earliest op among candidates; pending if any is pending and none has an op. */
export function soonest(results: Array<{ res: GenResult; i: number }>): { res: GenResult; i: number } | null {
  let best: { res: GenResult; i: number } | null = null;
  for (const r of results) {
    if (r.res === null) continue;
    if ('pending' in r.res) {
      if (best === null) best = r;
      continue;
    }
    if (best === null || best.res === null || 'pending' in best.res || r.res.op.time < best.res.op.time) best = r;
  }
  return best;
}

// Helpers shared by generator combinators: restricting a context to some threads, turning an
// op spec into a planned op on a free thread, picking the soonest of several candidate ops.

import type { GenContext, GenResult, Generator, OpSpec, PlannedOp, Thread } from './core.js';

/** A view of the context in which only `threads` exist. */
export function restrict(ctx: GenContext, threads: readonly Thread[]): GenContext {
  const set = new Set(threads);
  return {
    time: ctx.time,
    rng: ctx.rng,
    workers: ctx.workers,
    allThreads: ctx.allThreads.filter((t) => set.has(t)),
    freeThreads: ctx.freeThreads.filter((t) => set.has(t)),
  };
}

export function clientThreads(ctx: GenContext): Thread[] {
  return ctx.allThreads.filter((t) => t !== 'nemesis');
}

/** The thread running `process`, if any. */
export function threadOf(ctx: GenContext, process: unknown): Thread | undefined {
  for (const [t, p] of ctx.workers) if (p === process) return t;
  return undefined;
}

/**
 * Complete an op spec: on the first free thread of the context (or the thread whose process the
 * spec names), at the context's time unless the spec says later. Null when no thread is free.
 */
export function fillIn(spec: OpSpec, ctx: GenContext): PlannedOp | null {
  let process = spec.process;
  if (process === undefined) {
    const t = ctx.freeThreads[0];
    if (t === undefined) return null;
    process = ctx.workers.get(t);
    if (process === undefined) return null;
  } else {
    const t = threadOf(ctx, process);
    if (t === undefined || !ctx.freeThreads.includes(t)) return null;
  }
  return {
    ...spec,
    type: spec.type ?? 'invoke',
    f: spec.f,
    value: spec.value === undefined ? null : spec.value,
    process,
    time: spec.time === undefined ? ctx.time : Math.max(spec.time, ctx.time),
  };
}

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

export const PENDING_NONE = null;

/** A generator that is always pending (used to block until something else happens). */
export function pendingForever(): Generator {
  const g: Generator = { op: () => ({ pending: true, gen: g }), update: () => g };
  return g;
}

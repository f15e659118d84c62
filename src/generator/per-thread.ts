// Per-thread generators: a separate copy of a generator for every thread (eachThread), or for
// every process (eachProcess: a crashed process's replacement starts a fresh copy).

import type { GenContext, Generator, Thread } from './core.js';
import { oldestLastOp, restrict, soonest, threadOf, type Candidate } from './context.js';
import { lift, type GenLike } from './combinators.js';

interface Copy {
  process: unknown;
  gen: Generator | null;
}

function perThread(original: Generator, byProcess: boolean, copies: ReadonlyMap<Thread, Copy>): Generator {
  const copyFor = (ctx: GenContext, t: Thread): Generator | null => {
    const c = copies.get(t);
    if (!c) return original;
    if (byProcess && c.process !== ctx.workers.get(t)) return original;
    return c.gen;
  };
  return {
    op(ctx) {
      const candidates: Candidate[] = [];
      const threads = ctx.allThreads;
      let live = 0;
      for (let i = 0; i < threads.length; i++) {
        const t = threads[i]!;
        const g = copyFor(ctx, t);
        if (g === null) continue;
        live++;
        if (!ctx.freeThreads.includes(t)) continue;
        const view = restrict(ctx, [t]);
        candidates.push({ res: g.op(view), i, lastOpAt: oldestLastOp(view) });
      }
      if (live === 0) return null;
      const best = soonest(candidates, ctx.rng);
      if (best === null || best.res === null || 'pending' in best.res) return { pending: true, gen: perThread(original, byProcess, copies) };
      const t = threads[best.i]!;
      const next = new Map(copies);
      next.set(t, { process: ctx.workers.get(t), gen: best.res.gen });
      return { op: best.res.op, gen: perThread(original, byProcess, next) };
    },
    update(ctx, ev) {
      const t = threadOf(ctx, ev.process);
      if (t === undefined) return perThread(original, byProcess, copies);
      const g = copyFor(ctx, t);
      if (g === null) return perThread(original, byProcess, copies);
      const next = new Map(copies);
      next.set(t, { process: ctx.workers.get(t), gen: g.update(restrict(ctx, [t]), ev) });
      return perThread(original, byProcess, next);
    },
  };
}

/** Every thread runs its own copy of `gen` (e.g. "each thread reads once"). */
export function eachThread(g: GenLike): Generator | null {
  const gen = lift(g);
  return gen === null ? null : perThread(gen, false, new Map());
}

/** Every process runs its own copy of `gen`; a process that replaces a crashed one starts afresh. */
export function eachProcess(g: GenLike): Generator | null {
  const gen = lift(g);
  return gen === null ? null : perThread(gen, true, new Map());
}

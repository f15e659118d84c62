// Independent keys (Jepsen's independent/concurrent-generator): client threads form groups of
// `perKey` threads; each group works on one key at a time, and moves to the next unused key when
// its generator for the key is exhausted. Values are wrapped as [key, value] tuples.

import type { GenContext, Generator, Thread } from './core.js';
import { oldestLastOp, restrict, soonest, threadOf, type Candidate } from './context.js';
import { lift, type GenLike } from './combinators.js';

interface Group {
  threads: Thread[];
  key: unknown;
  gen: Generator | null;
}

export interface ConcurrentOptions {
  /** Threads per key. */
  perKey: number;
  /** The key sequence: key number i → key (default: i). Finite when `keyCount` is given. */
  key?: (i: number) => unknown;
  keyCount?: number;
  /** The generator for one key (its values are the inner values, wrapped by this combinator). */
  forKey: (key: unknown) => GenLike;
}

export function concurrentGenerator(opts: ConcurrentOptions): Generator {
  const keyOf = opts.key ?? ((i: number) => i);
  const limit = opts.keyCount ?? Infinity;
  const make = (groups: readonly Group[] | null, nextKey: number): Generator => ({
    op(ctx) {
      let gs = groups ?? formGroups(ctx, opts.perKey);
      let nk = nextKey;
      // Refill groups whose key generator is exhausted, before choosing.
      const candidates: Candidate[] = [];
      const fresh = gs.slice();
      for (let i = 0; i < fresh.length; i++) {
        let g = fresh[i]!;
        const view = restrict(ctx, g.threads);
        for (;;) {
          if (g.gen === null) {
            if (nk >= limit) break;
            const key = keyOf(nk++);
            g = { threads: g.threads, key, gen: lift(opts.forKey(key)) };
            fresh[i] = g;
            continue;
          }
          if (view.freeThreads.length === 0) {
            candidates.push({ res: { pending: true, gen: g.gen }, i });
            break;
          }
          const res = g.gen.op(view);
          if (res === null) {
            g = { ...g, gen: null };
            fresh[i] = g;
            continue;
          }
          // The group whose free thread has waited longest goes first (or, untracked, a group
          // drawn in proportion to its free threads): no group starves while it has threads free.
          candidates.push({ res, i, weight: view.freeThreads.length, lastOpAt: oldestLastOp(view) });
          break;
        }
      }
      gs = fresh;
      if (gs.every((g) => g.gen === null)) return null;
      const best = soonest(candidates, ctx.rng);
      if (best === null || best.res === null || 'pending' in best.res) return { pending: true, gen: make(gs, nk) };
      const chosen = gs[best.i]!;
      const next = gs.slice();
      next[best.i] = { ...chosen, gen: best.res.gen };
      const op = { ...best.res.op, value: [chosen.key, best.res.op.value] };
      return { op, gen: make(next, nk) };
    },
    update(ctx, ev) {
      if (groups === null) return make(groups, nextKey);
      const t = threadOf(ctx, ev.process);
      const i = groups.findIndex((g) => t !== undefined && g.threads.includes(t));
      const g = groups[i];
      if (!g || g.gen === null) return make(groups, nextKey);
      // The key's generator sees the unwrapped value, as if it were alone.
      const v = ev.value;
      const inner = Array.isArray(v) && v.length === 2 && v[0] === g.key ? { ...ev, value: v[1] } : ev;
      const next = groups.slice();
      next[i] = { ...g, gen: g.gen.update(restrict(ctx, g.threads), inner) };
      return make(next, nextKey);
    },
  });
  return make(null, 0);
}

function formGroups(ctx: GenContext, perKey: number): Group[] {
  const threads = ctx.allThreads.filter((t) => t !== 'nemesis');
  const groups: Group[] = [];
  for (let i = 0; i < threads.length; i += perKey) groups.push({ threads: threads.slice(i, i + perKey), key: undefined, gen: null });
  return groups;
}

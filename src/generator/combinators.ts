// Generator combinators in the spirit of Jepsen's jepsen.generator: pure values that describe
// which op runs next. Every combinator returns a new generator instead of mutating itself, so the
// controller can ask again (an op scheduled in the future is re-asked, not consumed).

import type { Op } from '../history.js';
import type { GenContext, GenResult, Generator, OpSpec, Thread } from './core.js';
import { fillIn, restrict, soonest, threadOf } from './context.js';

/** Anything that can act as a generator: a generator, one op spec, a function of the context, a sequence. */
export type GenLike = Generator | OpSpec | ((ctx: GenContext) => OpSpec | null) | readonly GenLike[] | null;

const NS = 1e9;

function isGenerator(x: unknown): x is Generator {
  return typeof x === 'object' && x !== null && typeof (x as Generator).op === 'function' && typeof (x as Generator).update === 'function';
}

/** Turn a GenLike into a Generator (null stays null: an empty generator). */
export function lift(g: GenLike): Generator | null {
  if (g === null) return null;
  if (isGenerator(g)) return g;
  if (typeof g === 'function') return fn(g);
  if (Array.isArray(g)) return seq(g);
  return once(g as OpSpec);
}

/** Calls `f` for each op; ends when it returns null. */
export function fn(f: (ctx: GenContext) => OpSpec | null): Generator {
  const self: Generator = {
    op(ctx) {
      if (ctx.freeThreads.length === 0) return { pending: true, gen: self };
      const spec = f(ctx);
      if (spec === null) return null;
      const op = fillIn(spec, ctx);
      return op ? { op, gen: self } : { pending: true, gen: self };
    },
    update: () => self,
  };
  return self;
}

/** Exactly one op. */
export function once(spec: OpSpec): Generator {
  const self: Generator = {
    op(ctx) {
      const op = fillIn(spec, ctx);
      return op ? { op, gen: null } : { pending: true, gen: self };
    },
    update: () => self,
  };
  return self;
}

/** Runs each generator to exhaustion, in order. */
export function seq(items: readonly GenLike[]): Generator | null {
  return seqAt(items, 0, null);
}

function seqAt(items: readonly GenLike[], i: number, cur: Generator | null): Generator | null {
  while (cur === null && i < items.length) cur = lift(items[i++]!);
  if (cur === null) return null;
  const current = cur;
  return {
    op(ctx) {
      let c: Generator | null = current;
      let j = i;
      while (c !== null) {
        const res = c.op(ctx);
        if (res === null) {
          c = null;
          while (c === null && j < items.length) c = lift(items[j++]!);
          continue;
        }
        if ('pending' in res) return { pending: true, gen: seqAt(items, j, res.gen)! };
        return { op: res.op, gen: seqAt(items, j, res.gen) };
      }
      return null;
    },
    update(ctx, ev) {
      return seqAt(items, i, current.update(ctx, ev));
    },
  };
}

/** Emits ops from `gen` without advancing it, `n` times (forever by default). */
export function repeat(g: GenLike, n = Infinity): Generator | null {
  const gen = lift(g);
  if (gen === null || n <= 0) return null;
  return {
    op(ctx) {
      const res = gen.op(ctx);
      if (res === null) return null;
      if ('pending' in res) return { pending: true, gen: repeat(gen, n)! };
      return { op: res.op, gen: repeat(gen, n - 1) };
    },
    update: (ctx, ev) => repeat(gen.update(ctx, ev), n),
  };
}

/** Runs `gen` to exhaustion, then starts it again, `n` times (forever by default). */
export function cycle(g: GenLike, n = Infinity): Generator | null {
  const original = lift(g);
  if (original === null || n <= 0) return null;
  const at = (cur: Generator | null, left: number, fresh: boolean): Generator | null => {
    if (cur === null) return left > 1 ? at(original, left - 1, true) : null;
    const c = cur;
    return {
      op(ctx) {
        const res = c.op(ctx);
        if (res === null) {
          // A freshly started copy that has nothing to give would loop forever.
          if (fresh) return null;
          const next = left > 1 ? at(original, left - 1, true) : null;
          return next ? next.op(ctx) : null;
        }
        if ('pending' in res) return { pending: true, gen: at(res.gen, left, fresh)! };
        return { op: res.op, gen: at(res.gen, left, false) };
      },
      update: (ctx, ev) => at(c.update(ctx, ev), left, fresh),
    };
  };
  return at(original, n, true);
}

/** At most `n` ops. */
export function limit(n: number, g: GenLike): Generator | null {
  const gen = lift(g);
  if (gen === null || n <= 0) return null;
  return {
    op(ctx) {
      const res = gen.op(ctx);
      if (res === null) return null;
      if ('pending' in res) return { pending: true, gen: limit(n, res.gen)! };
      return { op: res.op, gen: limit(n - 1, res.gen) };
    },
    update: (ctx, ev) => limit(n, gen.update(ctx, ev)),
  };
}

/** Ops until `seconds` after the first time this generator is asked. */
export function timeLimit(seconds: number, g: GenLike, deadline?: number): Generator | null {
  const gen = lift(g);
  if (gen === null) return null;
  return {
    op(ctx) {
      const d = deadline ?? ctx.time + seconds * NS;
      if (ctx.time >= d) return null;
      const res = gen.op(ctx);
      if (res === null) return null;
      if ('pending' in res) return { pending: true, gen: timeLimit(seconds, res.gen, d)! };
      if (res.op.time >= d) return null;
      return { op: res.op, gen: timeLimit(seconds, res.gen, d) };
    },
    update: (ctx, ev) => timeLimit(seconds, gen.update(ctx, ev), deadline),
  };
}

/** Schedules ops at uniformly random intervals in [0, 2·seconds): on average 1/seconds ops per second in total. */
export function stagger(seconds: number, g: GenLike, next?: number): Generator | null {
  return spaced(seconds, g, true, next);
}

/** Schedules ops exactly `seconds` apart. */
export function delay(seconds: number, g: GenLike, next?: number): Generator | null {
  return spaced(seconds, g, false, next);
}

function spaced(seconds: number, g: GenLike, random: boolean, next?: number): Generator | null {
  const gen = lift(g);
  if (gen === null) return null;
  const dt = seconds * NS;
  return {
    op(ctx) {
      const res = gen.op(ctx);
      if (res === null) return null;
      if ('pending' in res) return { pending: true, gen: spaced(seconds, res.gen, random, next)! };
      const t = Math.max(res.op.time, next ?? ctx.time);
      const after = t + (random ? ctx.rng.next() * 2 * dt : dt);
      return { op: t === res.op.time ? res.op : { ...res.op, time: t }, gen: spaced(seconds, res.gen, random, after) };
    },
    update: (ctx, ev) => spaced(seconds, gen.update(ctx, ev), random, next),
  };
}

/** Parks one thread for `seconds` (not recorded in the history). */
export function sleep(seconds: number): Generator {
  return once({ type: 'sleep', f: 'sleep', value: seconds });
}

/** Prints a message through the controller's logger. */
export function log(message: string): Generator {
  return once({ type: 'log', f: 'log', value: message });
}

/** Waits until every thread of the context is idle, then behaves like `gen`. */
export function synchronize(g: GenLike): Generator | null {
  const gen = lift(g);
  if (gen === null) return null;
  const self: Generator = {
    op(ctx) {
      if (ctx.freeThreads.length < ctx.allThreads.length) return { pending: true, gen: self };
      return gen.op(ctx);
    },
    update: (ctx, ev) => synchronize(gen.update(ctx, ev)) ?? self,
  };
  return self;
}

/** Each generator in turn; each starts only when every thread is idle. */
export function phases(...gens: GenLike[]): Generator | null {
  return seq(gens.map((g) => synchronize(g)));
}

/** The union: whichever generator has the soonest op. */
export function any(...items: GenLike[]): Generator | null {
  const gens = items.map(lift).filter((g): g is Generator => g !== null);
  return anyOf(gens);
}

function anyOf(gens: Generator[]): Generator | null {
  if (gens.length === 0) return null;
  if (gens.length === 1) return gens[0]!;
  return {
    op(ctx) {
      const results = gens.map((g) => g.op(ctx));
      const best = soonest(results.map((res, i) => ({ res, i })));
      if (best === null || best.res === null) return null;
      // Pending generators adopt their new state; the ones whose ops were not chosen keep theirs.
      const next: Generator[] = [];
      results.forEach((r, i) => {
        if (i === best.i) {
          if (r !== null && r.gen !== null) next.push(r.gen);
        } else if (r !== null) {
          next.push('pending' in r ? r.gen : gens[i]!);
        }
      });
      const r = best.res;
      if ('pending' in r) return { pending: true, gen: anyOf(next)! };
      return { op: r.op, gen: anyOf(next) };
    },
    update(ctx, ev) {
      return anyOf(gens.map((g) => g.update(ctx, ev)).filter((g): g is Generator => g !== null));
    },
  };
}

/** A random choice of generator for each op; exhausted ones drop out. */
export function mix(items: readonly GenLike[]): Generator | null {
  const gens = items.map(lift).filter((g): g is Generator => g !== null);
  if (gens.length === 0) return null;
  return {
    op(ctx) {
      let live = gens;
      while (live.length > 0) {
        const i = ctx.rng.int(live.length);
        const res = live[i]!.op(ctx);
        if (res === null) {
          live = live.filter((_, j) => j !== i);
          continue;
        }
        const replaced = live.slice();
        if ('pending' in res) {
          replaced[i] = res.gen;
          return { pending: true, gen: mix(replaced)! };
        }
        if (res.gen === null) replaced.splice(i, 1);
        else replaced[i] = res.gen;
        return { op: res.op, gen: mix(replaced) };
      }
      return null;
    },
    update: (ctx, ev) => mix(gens.map((g) => g.update(ctx, ev))),
  };
}

/** Restricts a generator to the threads that satisfy `pred`; it sees only their events. */
export function onThreads(pred: (t: Thread) => boolean, g: GenLike): Generator | null {
  const gen = lift(g);
  if (gen === null) return null;
  const view = (ctx: GenContext): GenContext => restrict(ctx, ctx.allThreads.filter(pred));
  return {
    op(ctx) {
      const res = gen.op(view(ctx));
      if (res === null) return null;
      if ('pending' in res) return { pending: true, gen: onThreads(pred, res.gen)! };
      return { op: res.op, gen: onThreads(pred, res.gen) };
    },
    update(ctx, ev) {
      const t = threadOf(ctx, ev.process);
      if (t === undefined || !pred(t)) return onThreads(pred, gen);
      return onThreads(pred, gen.update(view(ctx), ev));
    },
  };
}

export const clients = (g: GenLike): Generator | null => onThreads((t) => t !== 'nemesis', g);
export const nemesis = (g: GenLike): Generator | null => onThreads((t) => t === 'nemesis', g);

/**
 * `reserve(5, writes, 10, cas, reads)`: the first 5 client threads run `writes`, the next 10 run
 * `cas`, the rest (and the nemesis thread, if in view) run the last generator.
 */
export function reserve(...args: Array<number | GenLike>): Generator | null {
  const parts: Generator[] = [];
  let from = 0;
  let i = 0;
  for (; i + 1 < args.length; i += 2) {
    const n = args[i] as number;
    const lo = from;
    const hi = from + n;
    const g = onThreads((t) => typeof t === 'number' && t >= lo && t < hi, args[i + 1] as GenLike);
    if (g) parts.push(g);
    from = hi;
  }
  if (i < args.length) {
    const lo = from;
    const g = onThreads((t) => t === 'nemesis' || t >= lo, args[i] as GenLike);
    if (g) parts.push(g);
  }
  return anyOf(parts);
}

/** Ops from `gen` until one of them completes ok. */
export function untilOk(g: GenLike, mine: ReadonlySet<unknown> = new Set()): Generator | null {
  const gen = lift(g);
  if (gen === null) return null;
  return {
    op(ctx) {
      const res = gen.op(ctx);
      if (res === null) return null;
      if ('pending' in res) return { pending: true, gen: untilOk(res.gen, mine)! };
      // Remember which process runs our op: only its ok completion ends this generator.
      return { op: res.op, gen: untilOk(res.gen, new Set([...mine, res.op.process])) };
    },
    update(ctx, ev: Op) {
      if (ev.type !== 'invoke' && mine.has(ev.process)) {
        if (ev.type === 'ok') return null;
        const rest = new Set(mine);
        rest.delete(ev.process);
        return untilOk(gen.update(ctx, ev), rest);
      }
      return untilOk(gen.update(ctx, ev), mine);
    },
  };
}

/** Alternates between two generators, op by op; ends when the one whose turn it is ends. */
export function flipFlop(a: GenLike, b: GenLike): Generator | null {
  const ga = lift(a);
  const gb = lift(b);
  if (ga === null) return null;
  return {
    op(ctx) {
      const res = ga.op(ctx);
      if (res === null) return null;
      if ('pending' in res) return { pending: true, gen: flipFlop(res.gen, gb)! };
      return { op: res.op, gen: flipFlop(gb, res.gen) };
    },
    update: (ctx, ev) => flipFlop(ga.update(ctx, ev), gb?.update(ctx, ev) ?? null),
  };
}

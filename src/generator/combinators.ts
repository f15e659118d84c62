// Generator combinators in the spirit of Jepsen's jepsen.generator: pure values that describe
// which op runs next. Every combinator returns a new generator instead of mutating itself, so the
// controller can ask again (an op scheduled in the future is re-asked, not consumed).
// They are small classes rather than closures: the controller asks for an op hundreds of
// thousands of times a second, and classes keep that path cheap.

import type { Op } from '../history.js';
import { pending, type GenContext, type GenResult, type Generator, type OpSpec, type Thread } from './core.js';
import { fillIn, oldestLastOp, restrict, soonest, threadOf } from './context.js';

/** Anything that can act as a generator: a generator, one op spec, a function of the context, a sequence. */
export type GenLike = Generator | OpSpec | ((ctx: GenContext) => OpSpec | null) | readonly GenLike[] | null;

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


class FnGen implements Generator {
  constructor(private readonly f: (ctx: GenContext) => OpSpec | null) {}
  op(ctx: GenContext): GenResult {
    if (ctx.freeThreads.length === 0) return pending(this);
    const spec = this.f(ctx);
    if (spec === null) return null;
    const op = fillIn(spec, ctx);
    return op ? { op, gen: this } : pending(this);
  }
  update(): Generator {
    return this;
  }
}

/** Calls `f` for each op; ends when it returns null. */
export function fn(f: (ctx: GenContext) => OpSpec | null): Generator {
  return new FnGen(f);
}

class OnceGen implements Generator {
  constructor(private readonly spec: OpSpec) {}
  op(ctx: GenContext): GenResult {
    const op = fillIn(this.spec, ctx);
    return op ? { op, gen: null } : pending(this);
  }
  update(): Generator {
    return this;
  }
}

/** Exactly one op. */
export function once(spec: OpSpec): Generator {
  return new OnceGen(spec);
}

class SeqGen implements Generator {
  constructor(private readonly items: readonly GenLike[], private readonly i: number, private readonly cur: Generator) {}
  op(ctx: GenContext): GenResult {
    let c: Generator | null = this.cur;
    let j = this.i;
    while (c !== null) {
      const res = c.op(ctx);
      if (res === null) {
        c = null;
        while (c === null && j < this.items.length) c = lift(this.items[j++]!);
        continue;
      }
      if ('pending' in res) return pending(seqAt(this.items, j, res.gen)!);
      return { op: res.op, gen: seqAt(this.items, j, res.gen) };
    }
    return null;
  }
  update(ctx: GenContext, ev: Op): Generator | null {
    return seqAt(this.items, this.i, this.cur.update(ctx, ev));
  }
}

function seqAt(items: readonly GenLike[], i: number, cur: Generator | null): Generator | null {
  while (cur === null && i < items.length) cur = lift(items[i++]!);
  return cur === null ? null : i >= items.length ? cur : new SeqGen(items, i, cur);
}

/** Runs each generator to exhaustion, in order. */
export function seq(items: readonly GenLike[]): Generator | null {
  return seqAt(items, 0, null);
}

class RepeatGen implements Generator {
  constructor(private readonly gen: Generator, private readonly n: number) {}
  op(ctx: GenContext): GenResult {
    const res = this.gen.op(ctx);
    if (res === null) return null;
    if ('pending' in res) return pending(this);
    return { op: res.op, gen: this.n - 1 > 0 ? new RepeatGen(this.gen, this.n - 1) : null };
  }
  update(ctx: GenContext, ev: Op): Generator | null {
    const g = this.gen.update(ctx, ev);
    return g === null ? null : new RepeatGen(g, this.n);
  }
}

/** Emits ops from `gen` without advancing it, `n` times (forever by default). */
export function repeat(g: GenLike, n = Infinity): Generator | null {
  const gen = lift(g);
  return gen === null || n <= 0 ? null : new RepeatGen(gen, n);
}

class CycleGen implements Generator {
  constructor(private readonly original: Generator, private readonly cur: Generator, private readonly left: number, private readonly fresh: boolean) {}
  op(ctx: GenContext): GenResult {
    const res = this.cur.op(ctx);
    if (res === null) {
      // A freshly started copy that has nothing to give would loop forever.
      if (this.fresh || this.left <= 1) return null;
      return new CycleGen(this.original, this.original, this.left - 1, true).op(ctx);
    }
    if ('pending' in res) return pending(new CycleGen(this.original, res.gen, this.left, this.fresh));
    const next = res.gen ?? (this.left > 1 ? this.original : null);
    const left = res.gen ? this.left : this.left - 1;
    return { op: res.op, gen: next === null ? null : new CycleGen(this.original, next, left, res.gen === null) };
  }
  update(ctx: GenContext, ev: Op): Generator | null {
    const g = this.cur.update(ctx, ev);
    if (g === null) return this.left > 1 ? new CycleGen(this.original, this.original, this.left - 1, true) : null;
    return new CycleGen(this.original, g, this.left, this.fresh);
  }
}

/** Runs `gen` to exhaustion, then starts it again, `n` times (forever by default). */
export function cycle(g: GenLike, n = Infinity): Generator | null {
  const original = lift(g);
  return original === null || n <= 0 ? null : new CycleGen(original, original, n, true);
}

class LimitGen implements Generator {
  constructor(private readonly n: number, private readonly gen: Generator) {}
  op(ctx: GenContext): GenResult {
    const res = this.gen.op(ctx);
    if (res === null) return null;
    if ('pending' in res) return pending(new LimitGen(this.n, res.gen));
    return { op: res.op, gen: this.n > 1 && res.gen !== null ? new LimitGen(this.n - 1, res.gen) : null };
  }
  update(ctx: GenContext, ev: Op): Generator | null {
    const g = this.gen.update(ctx, ev);
    return g === null ? null : new LimitGen(this.n, g);
  }
}

/** At most `n` ops. */
export function limit(n: number, g: GenLike): Generator | null {
  const gen = lift(g);
  return gen === null || n <= 0 ? null : new LimitGen(n, gen);
}

/** Parks one thread for `seconds` (not recorded in the history). */
export function sleep(seconds: number): Generator {
  return once({ type: 'sleep', f: 'sleep', value: seconds });
}

/** Prints a message through the controller's logger. */
export function log(message: string): Generator {
  return once({ type: 'log', f: 'log', value: message });
}

class SyncGen implements Generator {
  constructor(private readonly gen: Generator) {}
  op(ctx: GenContext): GenResult {
    if (ctx.freeThreads.length < ctx.allThreads.length) return pending(this);
    return this.gen.op(ctx);
  }
  update(ctx: GenContext, ev: Op): Generator | null {
    const g = this.gen.update(ctx, ev);
    return g === null ? null : new SyncGen(g);
  }
}

/** Waits until every thread of the context is idle, then behaves like `gen`. */
export function synchronize(g: GenLike): Generator | null {
  const gen = lift(g);
  return gen === null ? null : new SyncGen(gen);
}

/** Each generator in turn; each starts only when every thread is idle. */
export function phases(...gens: GenLike[]): Generator | null {
  return seq(gens.map((g) => synchronize(g)));
}

class AnyGen implements Generator {
  constructor(private readonly gens: Generator[]) {}
  op(ctx: GenContext): GenResult {
    const gens = this.gens;
    const results = gens.map((g) => g.op(ctx));
    // Ties go to the generator with the longest-idle free thread, else to a random one weighted
    // by the free threads each may use (a generator restricted to some threads counts those).
    const best = soonest(results.map((res, i) => ({ res, i, ...freeThreadsOf(gens[i]!, ctx) })), ctx.rng);
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
    if ('pending' in r) return pending(anyOf(next)!);
    return { op: r.op, gen: anyOf(next) };
  }
  update(ctx: GenContext, ev: Op): Generator | null {
    return anyOf(this.gens.map((g) => g.update(ctx, ev)).filter((g): g is Generator => g !== null));
  }
}

function anyOf(gens: Generator[]): Generator | null {
  return gens.length === 0 ? null : gens.length === 1 ? gens[0]! : new AnyGen(gens);
}

/** The union: whichever generator has the soonest op. */
export function any(...items: GenLike[]): Generator | null {
  return anyOf(items.map(lift).filter((g): g is Generator => g !== null));
}

class MixGen implements Generator {
  constructor(private readonly gens: Generator[]) {}
  op(ctx: GenContext): GenResult {
    let live = this.gens;
    while (live.length > 0) {
      const i = ctx.rng.int(live.length);
      const res = live[i]!.op(ctx);
      if (res === null) {
        live = live.filter((_, j) => j !== i);
        continue;
      }
      if ('pending' in res) return pending(res.gen === live[i] && live === this.gens ? this : new MixGen(replace(live, i, res.gen)));
      if (res.gen === live[i] && live === this.gens) return { op: res.op, gen: this };
      return { op: res.op, gen: mixOf(res.gen === null ? live.filter((_, j) => j !== i) : replace(live, i, res.gen)) };
    }
    return null;
  }
  update(ctx: GenContext, ev: Op): Generator | null {
    let changed = false;
    const next: Generator[] = [];
    for (const g of this.gens) {
      const u = g.update(ctx, ev);
      if (u !== g) changed = true;
      if (u !== null) next.push(u);
    }
    return changed ? mixOf(next) : this;
  }
}

function replace<T>(xs: T[], i: number, x: T): T[] {
  const out = xs.slice();
  out[i] = x;
  return out;
}

function mixOf(gens: Generator[]): Generator | null {
  return gens.length === 0 ? null : new MixGen(gens);
}

/** A random choice of generator for each op; exhausted ones drop out. */
export function mix(items: readonly GenLike[]): Generator | null {
  return mixOf(items.map(lift).filter((g): g is Generator => g !== null));
}

interface ThreadView {
  pred: (t: Thread) => boolean;
  all: readonly Thread[] | null;
  mine: Thread[];
}

class OnThreadsGen implements Generator {
  constructor(private readonly v: ThreadView, private readonly gen: Generator) {}
  // The filtered thread list is shared by all successors and cached per context thread list,
  // so that restrict's own cache hits and the hot path allocates little.
  private view(ctx: GenContext): GenContext {
    const v = this.v;
    if (ctx.allThreads !== v.all) {
      v.all = ctx.allThreads;
      v.mine = ctx.allThreads.filter(v.pred);
    }
    return restrict(ctx, v.mine);
  }
  viewOf(ctx: GenContext): GenContext {
    return this.view(ctx);
  }
  op(ctx: GenContext): GenResult {
    const res = this.gen.op(this.view(ctx));
    if (res === null) return null;
    if ('pending' in res) return pending(res.gen === this.gen ? this : new OnThreadsGen(this.v, res.gen));
    return { op: res.op, gen: res.gen === null ? null : res.gen === this.gen ? this : new OnThreadsGen(this.v, res.gen) };
  }
  update(ctx: GenContext, ev: Op): Generator | null {
    const t = threadOf(ctx, ev.process);
    if (t === undefined || !this.v.pred(t)) return this;
    const g = this.gen.update(this.view(ctx), ev);
    return g === null ? null : g === this.gen ? this : new OnThreadsGen(this.v, g);
  }
}

/** The free threads of `ctx` a generator may use: their number and the longest idle (to break ties). */
function freeThreadsOf(g: Generator, ctx: GenContext): { weight: number; lastOpAt: number | undefined } {
  const view = g instanceof OnThreadsGen ? g.viewOf(ctx) : ctx;
  return { weight: view.freeThreads.length, lastOpAt: oldestLastOp(view) };
}

/** Restricts a generator to the threads that satisfy `pred`; it sees only their events. */
export function onThreads(pred: (t: Thread) => boolean, g: GenLike): Generator | null {
  const gen = lift(g);
  return gen === null ? null : new OnThreadsGen({ pred, all: null, mine: [] }, gen);
}

export const clients = (g: GenLike): Generator | null => onThreads((t) => t !== 'nemesis', g);
export const nemesis = (g: GenLike): Generator | null => onThreads((t) => t === 'nemesis', g);

/**
 * `reserve(5, writes, 10, cas, reads)`: the first 5 client threads run `writes`, the next 10 run
 * `cas`, the rest (and the nemesis thread, if in view) run the last generator.
 */
export function reserve(...args: Array<number | GenLike>): Generator | null {
  const parts: Array<Generator | null> = [];
  let from = 0;
  let i = 0;
  for (; i + 1 < args.length; i += 2) {
    const lo = from;
    const hi = from + (args[i] as number);
    parts.push(onThreads((t) => typeof t === 'number' && t >= lo && t < hi, args[i + 1] as GenLike));
    from = hi;
  }
  if (i < args.length) {
    const lo = from;
    parts.push(onThreads((t) => t === 'nemesis' || t >= lo, args[i] as GenLike));
  }
  return any(...parts);
}

class UntilOkGen implements Generator {
  constructor(private readonly gen: Generator, private readonly mine: ReadonlySet<unknown>) {}
  op(ctx: GenContext): GenResult {
    const res = this.gen.op(ctx);
    if (res === null) return null;
    if ('pending' in res) return pending(new UntilOkGen(res.gen, this.mine));
    // Remember which process runs our op: only its ok completion ends this generator.
    return { op: res.op, gen: res.gen === null ? null : new UntilOkGen(res.gen, new Set([...this.mine, res.op.process])) };
  }
  update(ctx: GenContext, ev: Op): Generator | null {
    let mine = this.mine;
    if (ev.type !== 'invoke' && mine.has(ev.process)) {
      if (ev.type === 'ok') return null;
      const rest = new Set(mine);
      rest.delete(ev.process);
      mine = rest;
    }
    const g = this.gen.update(ctx, ev);
    return g === null ? null : new UntilOkGen(g, mine);
  }
}

/** Ops from `gen` until one of them completes ok. */
export function untilOk(g: GenLike): Generator | null {
  const gen = lift(g);
  return gen === null ? null : new UntilOkGen(gen, new Set());
}

class FlipFlopGen implements Generator {
  constructor(private readonly a: Generator, private readonly b: Generator | null) {}
  op(ctx: GenContext): GenResult {
    const res = this.a.op(ctx);
    if (res === null) return null;
    if ('pending' in res) return pending(new FlipFlopGen(res.gen, this.b));
    return { op: res.op, gen: this.b === null ? null : new FlipFlopGen(this.b, res.gen) };
  }
  update(ctx: GenContext, ev: Op): Generator | null {
    const a = this.a.update(ctx, ev);
    return a === null ? null : new FlipFlopGen(a, this.b?.update(ctx, ev) ?? null);
  }
}

/** Alternates between two generators, op by op; ends when the one whose turn it is ends. */
export function flipFlop(a: GenLike, b: GenLike): Generator | null {
  const ga = lift(a);
  return ga === null ? null : new FlipFlopGen(ga, lift(b));
}

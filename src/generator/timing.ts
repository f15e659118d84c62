// Time in generators: a time limit, ops spaced evenly or at random intervals (with catch-up after
// timer lateness), and a delayed start. Like the other combinators, each returns a new generator
// instead of mutating itself.

import type { Op } from '../history.js';
import { pending, type GenContext, type GenResult, type Generator, type PlannedOp } from './core.js';
import { lift, type GenLike } from './combinators.js';

const NS = 1e9;

class TimeLimitGen implements Generator {
  constructor(private readonly seconds: number, private readonly gen: Generator, private readonly deadline?: number) {}
  op(ctx: GenContext): GenResult {
    const d = this.deadline ?? ctx.time + this.seconds * NS;
    if (ctx.time >= d) return null;
    const res = this.gen.op(ctx);
    if (res === null) return null;
    if ('pending' in res) return pending(new TimeLimitGen(this.seconds, res.gen, d));
    if (res.op.time >= d) return null;
    return { op: res.op, gen: res.gen === null ? null : new TimeLimitGen(this.seconds, res.gen, d) };
  }
  update(ctx: GenContext, ev: Op): Generator | null {
    const g = this.gen.update(ctx, ev);
    return g === null ? null : new TimeLimitGen(this.seconds, g, this.deadline);
  }
}

/** Ops until `seconds` after the first time this generator is asked. */
export function timeLimit(seconds: number, g: GenLike): Generator | null {
  const gen = lift(g);
  return gen === null ? null : new TimeLimitGen(seconds, gen);
}

/**
 * How far a spaced schedule may fall behind and still catch up. Timers fire late (a millisecond at
 * best in Node, far more on a loaded machine, where faultline stalls for a few hundred ms at
 * times), so a schedule that restarted from "now" after every late op would lose that lateness
 * each time: 1,000 ops/s asked gave about 450. Counting from the scheduled time instead lets the
 * ops that are due go out as threads free up, like a token bucket holding at most this much
 * time; a schedule that is further behind (every thread was busy for longer) forgives the rest.
 */
const CATCH_UP_NS = 1e9;

class SpacedGen implements Generator {
  constructor(private readonly dt: number, private readonly random: boolean, private readonly gen: Generator, private readonly next?: number) {}
  op(ctx: GenContext): GenResult {
    const res = this.gen.op(ctx);
    if (res === null) return null;
    if ('pending' in res) return pending(new SpacedGen(this.dt, this.random, res.gen, this.next));
    // The slot this op takes: the scheduled one, unless the inner op wants a later time or the
    // schedule is more than CATCH_UP_NS behind.
    const earliest = res.op.time > ctx.time ? res.op.time : ctx.time - CATCH_UP_NS;
    const slot = Math.max(earliest, this.next ?? ctx.time);
    const after = slot + (this.random ? ctx.rng.next() * 2 * this.dt : this.dt);
    const t = Math.max(slot, res.op.time);
    const op: PlannedOp = t === res.op.time ? res.op : { ...res.op, time: t };
    return { op, gen: res.gen === null ? null : new SpacedGen(this.dt, this.random, res.gen, after) };
  }
  update(ctx: GenContext, ev: Op): Generator | null {
    const g = this.gen.update(ctx, ev);
    return g === null ? null : new SpacedGen(this.dt, this.random, g, this.next);
  }
}

/** Schedules ops at uniformly random intervals in [0, 2·seconds): on average 1/seconds ops per second in total. */
export function stagger(seconds: number, g: GenLike): Generator | null {
  const gen = lift(g);
  return gen === null ? null : new SpacedGen(seconds * NS, true, gen);
}

/** Schedules ops exactly `seconds` apart. */
export function delay(seconds: number, g: GenLike): Generator | null {
  const gen = lift(g);
  return gen === null ? null : new SpacedGen(seconds * NS, false, gen);
}

class AfterGen implements Generator {
  constructor(private readonly seconds: number | ((ctx: GenContext) => number), private readonly gen: Generator, private readonly at?: number) {}
  op(ctx: GenContext): GenResult {
    // The start time is fixed at the first ask and kept in the successor, which the controller
    // adopts with the pending answer (an op planned later would be re-asked of this one).
    if (this.at === undefined) {
      const s = typeof this.seconds === 'number' ? this.seconds : this.seconds(ctx);
      return pending(new AfterGen(this.seconds, this.gen, ctx.time + s * NS));
    }
    const res = this.gen.op(ctx);
    if (res === null) return null;
    if ('pending' in res) return pending(new AfterGen(this.seconds, res.gen, this.at));
    if (res.op.time >= this.at) return res;
    return { op: { ...res.op, time: this.at }, gen: res.gen };
  }
  update(ctx: GenContext, ev: Op): Generator | null {
    const g = this.gen.update(ctx, ev);
    return g === null ? null : new AfterGen(this.seconds, g, this.at);
  }
}

/** `gen`, from `seconds` (a number, or drawn from the context) after it is first asked. */
export function after(seconds: number | ((ctx: GenContext) => number), g: GenLike): Generator | null {
  const gen = lift(g);
  return gen === null ? null : new AfterGen(seconds, gen);
}

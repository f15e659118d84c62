// Nemesis schedules: start a fault, wait, stop it, wait, and again (Jepsen's usual nemesis cycle).

import type { Generator, OpSpec } from './core.js';
import { cycle, flipFlop, mix, once, repeat, sleep, stagger, type GenLike } from './combinators.js';

export interface CycleOptions {
  /** Seconds between a start and its stop, and between a stop and the next start. */
  intervalS: number;
  start: OpSpec | OpSpec[];
  stop: OpSpec | OpSpec[];
}

/**
 * sleep → start → sleep → stop → … forever (bound it with timeLimit). With several start ops
 * (several faults), each round picks one at random, and its stop follows.
 */
export function nemesisCycle(opts: CycleOptions): Generator {
  const starts = Array.isArray(opts.start) ? opts.start : [opts.start];
  const stops = Array.isArray(opts.stop) ? opts.stop : [opts.stop];
  const rounds: GenLike[] = starts.map((s, i) => [sleep(opts.intervalS), once(s), sleep(opts.intervalS), once(stops[i] ?? stops[0]!)]);
  return cycle(rounds.length === 1 ? rounds[0]! : mixRounds(rounds))!;
}

function mixRounds(rounds: GenLike[]): Generator {
  // One random round at a time: mix would interleave rounds op by op, so pick per cycle instead.
  return {
    op(ctx) {
      const i = ctx.rng.int(rounds.length);
      const g = cycle(rounds[i]!, 1)!;
      return g.op(ctx);
    },
    update() {
      return this;
    },
  };
}


/**
 * A fault schedule: start, stop, start, … with random gaps averaging `intervalS`. Several faults
 * are mixed at random, so they may overlap (as in Jepsen's combined nemesis package).
 */
export function faultSchedule(intervalS: number, faults: Array<{ start: OpSpec; stop: OpSpec }>): Generator {
  const flips = faults.map((f) => flipFlop(repeat(f.start), repeat(f.stop)));
  return stagger(intervalS, mix(flips))!;
}

// Nemesis schedules: start a fault, wait, stop it, wait, and again (Jepsen's usual nemesis cycle).

import type { Generator, OpSpec } from './core.js';
import { any, cycle, flipFlop, once, repeat, sleep, type GenLike } from './combinators.js';
import { after, stagger } from './timing.js';

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
 * A fault schedule: each fault starts and stops on its own random schedule, with gaps averaging
 * `intervalS` (uniform in [0, 2·intervalS)), so several faults may overlap, as in Jepsen's
 * combined nemesis package. Each fault keeps its own schedule rather than sharing one that picks
 * a fault at random for each op: with that, a fault stopped only when the draw came back to it,
 * and a kill of a majority could last the whole run (seen: 33 s of a 30 s run, every op failed).
 */
export function faultSchedule(intervalS: number, faults: Array<{ start: OpSpec; stop: OpSpec }>): Generator {
  // The first fault starts at once (a short run has few fault cycles: a start-up gap cost the
  // stale-read bug 2 of 10 detections); the others' first starts come after a random gap, so
  // the faults do not all start together.
  const own = faults.map((f, i) => {
    const cycle = stagger(intervalS, flipFlop(repeat(f.start), repeat(f.stop)))!;
    return i === 0 ? cycle : after((ctx) => ctx.rng.next() * 2 * intervalS, cycle);
  });
  return any(...own)!;
}

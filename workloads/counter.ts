// The counter workload: increments (and, with `--workload-option negative=true`, decrements)
// while faults happen, reads throughout, and a final read from every node after healing. Reads
// must lie within what was acknowledged and attempted (for an eventually consistent db, within
// what was attempted: reads may be stale); final reads must be exact.

import { eachThread, fn, once } from '../src/generator/index.js';
import type { Workload } from '../src/protocols.js';
import { checkerFor, workloadChecker } from './checkers.js';
import { optBool } from '../checkers/op-pairs.js';
import { registerWorkload, type WorkloadOptions } from './registry.js';

export function counterWorkload(opts: WorkloadOptions): Workload {
  const negative = opts.options['negative'] === 'true';
  const eventual = optBool(opts.options['eventual'], '--workload-option eventual') ?? opts.eventual === true;
  return {
    name: 'counter',
    generator: fn((ctx) => {
      if (ctx.rng.next() < 0.25) return { f: 'read', value: null };
      const delta = 1 + ctx.rng.int(5);
      return { f: 'add', value: negative && ctx.rng.next() < 0.3 ? -delta : delta };
    }),
    finalGenerator: eachThread(once({ f: 'read', value: null, final: true }))!,
    checker: workloadChecker({ counter: checkerFor('counter', { eventual }) }),
  };
}

registerWorkload({
  name: 'counter',
  description: 'increments (and decrements) with reads; every read within bounds, final reads exact',
  create: counterWorkload,
});

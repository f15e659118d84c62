// The counter workload: increments (and, with `--workload-option negative=true`, decrements)
// while faults happen, reads throughout, and a final read from every node after healing. Reads
// must lie within what was acknowledged and attempted (for an eventually consistent db, within
// what was attempted: reads may be stale); final reads must be exact.

import { eachThread, fn, once } from '../src/generator/index.js';
import type { Workload } from '../src/protocols.js';
import { checkerFor, workloadChecker } from './checkers.js';
import { opt, type OptionValues } from '../src/plugin/options.js';
import { defineWorkload, type WorkloadContext } from './registry.js';

const options = {
  negative: opt.boolean({ default: false, doc: 'also decrement (a PN-counter)' }),
  eventual: opt.boolean({ doc: 'judge reads as possibly stale, final reads exact (default: what the db promises)' }),
};

export function counterWorkload(opts: WorkloadContext<OptionValues<typeof options>>): Workload {
  const negative = opts.options.negative;
  const eventual = opts.options.eventual ?? opts.eventual === true;
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

defineWorkload({
  name: 'counter',
  options,
  doc: 'increments (and decrements) with reads; every read within bounds, final reads exact',
  create: counterWorkload,
});

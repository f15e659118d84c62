// The set workload: unique integers are added while faults happen; after healing, every client
// reads the whole set from its node. Every acknowledged add must be present in every final read
// (convergence), and the set-full analysis tells, per element, when it became visible or vanished.

import { eachThread, once, fn } from '../src/generator/index.js';
import type { Workload } from '../src/protocols.js';
import { checkerFor, workloadChecker } from './checkers.js';
import { opt, type OptionValues } from '../src/plugin/options.js';
import { defineWorkload, type WorkloadContext } from './registry.js';

export const setOptions = {
  'read-every': opt.number({ integer: true, min: 1, default: 10, doc: 'one operation in this many is a read (reads show when elements become visible)' }),
};

export function setWorkload(opts: WorkloadContext<OptionValues<typeof setOptions>>): Workload {
  const readEvery = opts.options['read-every'];
  let next = 0;
  // Reads during the run show when elements become visible (set-full); adds are unique.
  const gen = fn(() => {
    const n = next++;
    return n % readEvery === readEvery - 1 ? { f: 'read', value: null } : { f: 'add', value: n };
  });
  return {
    name: 'set',
    generator: gen,
    finalGenerator: eachThread(once({ f: 'read', value: null, final: true }))!,
    checker: workloadChecker({ set: checkerFor('set-full') }),
  };
}

defineWorkload({
  name: 'set',
  options: setOptions,
  doc: 'unique adds, reads, and final reads from every node after healing; set-full analysis and convergence',
  create: setWorkload,
});

// The lock workload: every client thread repeatedly acquires one lock, holds it briefly and
// releases it. The mutex checker looks for two holders at once. With `--workload-option
// fenced=true` a holder also writes to a resource guarded by its fencing token (where the
// database's recipe offers one) between acquire and release, and the checker judges the writes.

import { cycle, eachThread, once } from '../src/generator/index.js';
import type { Workload } from '../src/protocols.js';
import { checkerFor, workloadChecker } from './checkers.js';
import { opt, type OptionValues } from '../src/plugin/options.js';
import { defineWorkload, type WorkloadContext } from './registry.js';

const options = {
  fenced: opt.boolean({ default: false, doc: 'a holder also writes to a resource guarded by its fencing token (where the recipe has one) between acquire and release' }),
};

export function lockWorkload(opts: WorkloadContext<OptionValues<typeof options>>): Workload {
  const step = opts.options.fenced
    ? [once({ f: 'acquire', value: null }), once({ f: 'write', value: null }), once({ f: 'release', value: null })]
    : [once({ f: 'acquire', value: null }), once({ f: 'release', value: null })];
  return {
    name: 'lock',
    generator: eachThread(cycle(step))!,
    finalGenerator: eachThread(once({ f: 'release', value: null, final: true }))!,
    checker: workloadChecker({ lock: checkerFor('lock') }),
  };
}

defineWorkload({
  name: 'lock',
  options,
  doc: 'acquire/release of one lock by every client; mutual exclusion (no two holders at once)',
  create: lockWorkload,
});

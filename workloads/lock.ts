// The lock workload: every client thread repeatedly acquires one lock, holds it briefly and
// releases it. The mutex checker looks for two holders at once.

import { cycle, eachThread, once } from '../src/generator/index.js';
import type { Workload } from '../src/protocols.js';
import { checkerFor, workloadChecker } from './checkers.js';
import { registerWorkload, type WorkloadOptions } from './registry.js';

export function lockWorkload(opts: WorkloadOptions): Workload {
  void opts;
  return {
    name: 'lock',
    generator: eachThread(cycle([once({ f: 'acquire', value: null }), once({ f: 'release', value: null })]))!,
    finalGenerator: eachThread(once({ f: 'release', value: null, final: true }))!,
    checker: workloadChecker({ lock: checkerFor('lock') }),
  };
}

registerWorkload({
  name: 'lock',
  description: 'acquire/release of one lock by every client; mutual exclusion (no two holders at once)',
  create: lockWorkload,
});

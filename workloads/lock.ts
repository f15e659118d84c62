// The lock workload: every client thread repeatedly acquires one lock, holds it briefly and
// releases it. The mutex checker looks for two holders at once.

import { cycle, eachThread, once } from '../src/generator/index.js';
import type { Workload } from '../src/protocols.js';
import { checkerFor, workloadChecker } from './checkers.js';
import { defineWorkload } from './registry.js';

export function lockWorkload(): Workload {
  return {
    name: 'lock',
    generator: eachThread(cycle([once({ f: 'acquire', value: null }), once({ f: 'release', value: null })]))!,
    finalGenerator: eachThread(once({ f: 'release', value: null, final: true }))!,
    checker: workloadChecker({ lock: checkerFor('lock') }),
  };
}

defineWorkload({
  name: 'lock',
  doc: 'acquire/release of one lock by every client; mutual exclusion (no two holders at once)',
  create: lockWorkload,
});

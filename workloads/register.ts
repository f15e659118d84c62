// The register workload (Jepsen's etcd/linearizable-register): reads, writes and compare-and-sets
// of small integers on independent keys, a bounded number of ops and processes per key, judged
// by the linearizability checker with the cas-register model, key by key.

import { concurrentGenerator, limit, mix, type OpSpec } from '../src/generator/index.js';
import type { Workload } from '../src/protocols.js';
import { checkerFor, workloadChecker } from './checkers.js';
import { numberOption, registerWorkload, type WorkloadOptions } from './registry.js';

export function registerWorkloadFor(opts: WorkloadOptions): Workload {
  const opsPerKey = numberOption(opts, 'ops-per-key', 100);
  const perKey = numberOption(opts, 'threads-per-key', Math.min(opts.concurrency, Math.max(2, opts.nodes.length)));
  const values = numberOption(opts, 'values', 5);
  const r = (): OpSpec => ({ f: 'read', value: null });
  const w = (ctx: { rng: { int(n: number): number } }): OpSpec => ({ f: 'write', value: ctx.rng.int(values) });
  const cas = (ctx: { rng: { int(n: number): number } }): OpSpec => ({ f: 'cas', value: [ctx.rng.int(values), ctx.rng.int(values)] });
  return {
    name: 'register',
    generator: concurrentGenerator({ perKey, forKey: () => limit(opsPerKey, mix([r, w, cas])) }),
    checker: workloadChecker({ linearizable: checkerFor('linearizable', { model: 'cas-register' }) }),
  };
}

registerWorkload({
  name: 'register',
  description: 'read/write/cas on independent keys; linearizability (cas-register model, per key)',
  create: registerWorkloadFor,
});

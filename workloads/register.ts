// The register workload (Jepsen's etcd/linearizable-register): reads, writes and compare-and-sets
// of small integers on independent keys, a bounded number of ops and processes per key, judged
// by the linearizability checker with the cas-register model, key by key.

import { concurrentGenerator, limit, mix, type OpSpec } from '../src/generator/index.js';
import type { Workload } from '../src/protocols.js';
import { checkerFor, workloadChecker } from './checkers.js';
import { opt, type OptionValues } from '../src/plugin/options.js';
import { defineWorkload, type WorkloadContext } from './registry.js';

export const registerOptions = {
  'ops-per-key': opt.number({ integer: true, min: 1, default: 100, doc: 'operations on a key before it is retired for a fresh one' }),
  'threads-per-key': opt.number({ integer: true, min: 1, doc: 'client threads sharing a key (default: the node count, at least 2, at most the concurrency)' }),
  values: opt.number({ integer: true, min: 1, default: 5, doc: 'values are drawn from 0..values-1 (few values: more cas successes and more ambiguity)' }),
};

export function registerWorkloadFor(opts: WorkloadContext<OptionValues<typeof registerOptions>>): Workload {
  const opsPerKey = opts.options['ops-per-key'];
  const perKey = opts.options['threads-per-key'] ?? Math.min(opts.concurrency, Math.max(2, opts.nodes.length));
  const values = opts.options.values;
  const r = (): OpSpec => ({ f: 'read', value: null });
  const w = (ctx: { rng: { int(n: number): number } }): OpSpec => ({ f: 'write', value: ctx.rng.int(values) });
  const cas = (ctx: { rng: { int(n: number): number } }): OpSpec => ({ f: 'cas', value: [ctx.rng.int(values), ctx.rng.int(values)] });
  return {
    name: 'register',
    generator: concurrentGenerator({ perKey, forKey: () => limit(opsPerKey, mix([r, w, cas])) }),
    checker: workloadChecker({ linearizable: checkerFor('linearizable', { model: 'cas-register' }) }),
  };
}

defineWorkload({
  name: 'register',
  doc: 'read/write/cas on independent keys; linearizability (cas-register model, per key)',
  options: registerOptions,
  create: registerWorkloadFor,
});

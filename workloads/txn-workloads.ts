// The transactional workloads, list-append and rw-register (Elle's): transactions of 1–4
// micro-ops over a pool of keys, each key retired after a number of writes, judged by the
// Elle-style checker against a consistency model (`--workload-option consistency-model=...`).

import { fn } from '../src/generator/index.js';
import type { Workload } from '../src/protocols.js';
import { checkerFor, workloadChecker } from './checkers.js';
import { listAppendTxns } from './list-append.js';
import { rwRegisterTxns } from './rw-register.js';
import type { TxnGen, TxnGenOptions } from './txn-gen.js';
import { opt, type OptionValues } from '../src/plugin/options.js';
import { canonicalModel, modelNames } from '../checkers/elle/models.js';
import { defineWorkload, type WorkloadContext } from './registry.js';

export const txnOptions = {
  'key-count': opt.number({ integer: true, min: 1, default: 10, doc: 'keys in use at once' }),
  'max-txn-length': opt.number({ integer: true, min: 1, default: 4, doc: 'micro-ops per transaction, at most' }),
  'max-writes-per-key': opt.number({ integer: true, min: 1, default: 32, doc: 'writes to a key before it is retired for a fresh one' }),
  'consistency-model': opt.string({ default: 'strict-serializable', placeholder: 'MODEL', doc: `the model the history is judged against: ${modelNames().filter((m) => !m.startsWith('strong-')).join(', ')}, and strong-* variants (default: what the db promises, else strict-serializable)` }),
};

/** `name` is the workload's name; `checker` the Elle checker judging it. */
export function txnWorkload(name: string, checker: 'list-append' | 'rw-register', make: (o: TxnGenOptions) => TxnGen, opts: WorkloadContext<OptionValues<typeof txnOptions>>): Workload {
  const gen = make({
    keyCount: opts.options['key-count'],
    maxTxnLength: opts.options['max-txn-length'],
    maxWritesPerKey: opts.options['max-writes-per-key'],
  });
  const consistencyModel = canonicalModel(opts.options['consistency-model'], '--workload-option consistency-model');
  return {
    name,
    generator: fn((ctx) => ({ f: 'txn', value: gen.next(ctx.rng) })),
    checker: workloadChecker({ [checker]: checkerFor(checker, { consistencyModel }) }),
  };
}

defineWorkload({
  name: 'list-append',
  options: txnOptions,
  doc: "Elle's list-append transactions; isolation anomalies (consistency-model option, default strict-serializable)",
  create: (o) => txnWorkload('list-append', 'list-append', listAppendTxns, o),
});

defineWorkload({
  name: 'rw-register',
  options: txnOptions,
  doc: "Elle's read/write register transactions; isolation anomalies",
  create: (o) => txnWorkload('rw-register', 'rw-register', rwRegisterTxns, o),
});

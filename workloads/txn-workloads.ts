// The transactional workloads, list-append and rw-register (Elle's): transactions of 1–4
// micro-ops over a pool of keys, each key retired after a number of writes, judged by the
// Elle-style checker against a consistency model (`--workload-option consistency-model=...`).

import { fn } from '../src/generator/index.js';
import type { Workload } from '../src/protocols.js';
import { checkerFor, workloadChecker } from './checkers.js';
import { listAppendTxns } from './list-append.js';
import { rwRegisterTxns } from './rw-register.js';
import type { TxnGen, TxnGenOptions } from './txn-gen.js';
import { numberOption, registerWorkload, type WorkloadOptions } from './registry.js';

function txnWorkload(name: 'list-append' | 'rw-register', make: (o: TxnGenOptions) => TxnGen, opts: WorkloadOptions): Workload {
  const gen = make({
    keyCount: numberOption(opts, 'key-count', 10),
    maxTxnLength: numberOption(opts, 'max-txn-length', 4),
    maxWritesPerKey: numberOption(opts, 'max-writes-per-key', 32),
  });
  const consistencyModel = opts.options['consistency-model'] ?? 'strict-serializable';
  return {
    name,
    generator: fn((ctx) => ({ f: 'txn', value: gen.next(ctx.rng) })),
    checker: workloadChecker({ [name]: checkerFor(name, { consistencyModel }) }),
  };
}

registerWorkload({
  name: 'list-append',
  description: "Elle's list-append transactions; isolation anomalies (consistency-model option, default strict-serializable)",
  create: (o) => txnWorkload('list-append', listAppendTxns, o),
});

registerWorkload({
  name: 'rw-register',
  description: "Elle's read/write register transactions; isolation anomalies",
  create: (o) => txnWorkload('rw-register', rwRegisterTxns, o),
});

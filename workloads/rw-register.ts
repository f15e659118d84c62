// The rw-register workload's transactions (as Elle's generator): 1–4 micro-ops of ['w', k, v]
// and ['r', k, null] over a pool of active keys, values unique per key, a key retired after 32
// writes. Wrap `next(rng)` in a generator to produce `f: 'txn'` ops.

import { txnGen, type TxnGen, type TxnGenOptions } from './txn-gen.js';

export type { TxnGen, TxnGenOptions } from './txn-gen.js';

export function rwRegisterTxns(opts: TxnGenOptions = {}): TxnGen {
  return txnGen(opts, 'w');
}

// Shared machinery of the Elle-style transaction generators: a pool of active keys, each retired
// (replaced by a fresh key) after a number of writes, keys picked uniformly or with a truncated
// exponential bias (hot keys), and values unique per key (a per-key counter).

import type { Rng } from '../src/rng.js';

export interface TxnGenOptions {
  /** Keys active at once (default 10). */
  keyCount?: number;
  /** Micro-ops per transaction, inclusive bounds (default 1..4). */
  minTxnLength?: number;
  maxTxnLength?: number;
  /** Writes to a key before it is retired (default 32). */
  maxWritesPerKey?: number;
  /** Probability that a micro-op reads (default 0.5). */
  readProbability?: number;
  /** 'exponential' (default: the first active key is 10× likelier than the last) or 'uniform'. */
  keyDist?: 'exponential' | 'uniform';
}

export type TxnMicroOp = [string, number, unknown];

/** A deterministic sequence of transactions, given the rng's sequence. */
export interface TxnGen {
  next(rng: Rng): TxnMicroOp[];
}

export function txnGen(opts: TxnGenOptions, writeF: string): TxnGen {
  const keyCount = opts.keyCount ?? 10;
  const minLen = opts.minTxnLength ?? 1;
  const maxLen = opts.maxTxnLength ?? 4;
  const maxWrites = opts.maxWritesPerKey ?? 32;
  const pRead = opts.readProbability ?? 0.5;
  const exponential = (opts.keyDist ?? 'exponential') === 'exponential';
  if (keyCount < 1 || minLen < 1 || maxLen < minLen || maxWrites < 1) throw new RangeError('bad transaction generator options');
  const active: number[] = Array.from({ length: keyCount }, (_, i) => i);
  const writes: number[] = new Array(keyCount).fill(0);
  let nextKey = keyCount;
  const lambda = Math.log(10) / keyCount;
  const cut = 1 - Math.exp(-lambda * keyCount);
  const pickSlot = (rng: Rng): number => {
    if (!exponential) return rng.int(keyCount);
    const i = Math.floor(-Math.log(1 - rng.next() * cut) / lambda);
    return Math.min(keyCount - 1, i);
  };
  return {
    next(rng) {
      const len = minLen + rng.int(maxLen - minLen + 1);
      const txn: TxnMicroOp[] = [];
      for (let i = 0; i < len; i++) {
        const slot = pickSlot(rng);
        const k = active[slot]!;
        if (rng.next() < pRead) {
          txn.push(['r', k, null]);
        } else {
          const v = ++writes[slot]!;
          txn.push([writeF, k, v]);
          if (v >= maxWrites) {
            active[slot] = nextKey++;
            writes[slot] = 0;
          }
        }
      }
      return txn;
    },
  };
}

// The bank workloads (Jepsen's bank): random transfers of small amounts between accounts and
// reads of every balance, while faults happen; then a final read from every client. Every read
// must sum to the total the accounts started with, and no balance may go negative. `bank-2pc`
// is the same over accounts spread across independent databases, moved by a two-phase-commit
// coordinator: it adds periodic `recover` ops (the coordinator's scan for in-doubt
// transactions, each resolution recorded) and the two-phase evidence checker.
// Options: accounts=N (default 8), total=N (default 10 per account), max-transfer=N (default 5).

import { eachThread, fn, once, seq } from '../src/generator/index.js';
import type { Workload } from '../src/protocols.js';
import { badArgument } from '../src/errors.js';
import { checkerFor, workloadChecker } from './checkers.js';
import { registerWorkload, type WorkloadOptions } from './registry.js';

export interface Transfer {
  from: number;
  to: number;
  amount: number;
}

export interface BankSettings {
  /** Account ids 0..n-1. */
  accounts: number[];
  total: number;
  maxTransfer: number;
}

/** The bank's shape from workload options; the same function serves the workload and the db clients. */
export function bankSettings(options: Record<string, string> | undefined): BankSettings {
  const o = options ?? {};
  const int = (k: string, dflt: number, min: number): number => {
    const s = o[k];
    if (s === undefined) return dflt;
    const n = Number(s);
    if (!Number.isSafeInteger(n) || n < min) throw badArgument(`expected an integer >= ${min}, got '${s}'`, `--workload-option ${k}`);
    return n;
  };
  const n = int('accounts', 8, 2);
  return { accounts: Array.from({ length: n }, (_, i) => i), total: int('total', 10 * n, 1), maxTransfer: int('max-transfer', 5, 1) };
}

function bankWorkload(name: 'bank' | 'bank-2pc', opts: WorkloadOptions): Workload {
  const s = bankSettings(opts.options);
  const twoPc = name === 'bank-2pc';
  // A recovery scan every ~25 ops on average: often enough that an orphaned branch is resolved
  // within a second at the default rate, rarely enough to stay out of the way.
  const recoverP = twoPc ? 0.04 : 0;
  const generator = fn((ctx) => {
    const x = ctx.rng.next();
    if (x < recoverP) return { f: 'recover', value: null };
    if (x < 0.5) return { f: 'read', value: null };
    const from = ctx.rng.int(s.accounts.length);
    const to = (from + 1 + ctx.rng.int(s.accounts.length - 1)) % s.accounts.length;
    return { f: 'transfer', value: { from, to, amount: 1 + ctx.rng.int(s.maxTransfer) } satisfies Transfer };
  });
  const finalReads = eachThread(once({ f: 'read', value: null, final: true }))!;
  const main = { bank: checkerFor('bank', { total: s.total, accounts: s.accounts }) };
  return {
    name,
    generator,
    // bank-2pc: resolve what is still in doubt before the final reads (they would wait on its locks).
    finalGenerator: twoPc ? seq([once({ f: 'recover', value: null, final: true }), finalReads])! : finalReads,
    checker: workloadChecker(twoPc ? { ...main, 'two-phase': checkerFor('two-phase') } : main),
  };
}

registerWorkload({
  name: 'bank',
  description: 'transfers between accounts and reads of all balances; every read conserves the total, none negative',
  create: (o) => bankWorkload('bank', o),
});

registerWorkload({
  name: 'bank-2pc',
  description: 'bank over accounts spread across independent databases, moved by a two-phase-commit coordinator; total conserved, in-doubt transactions resolved',
  create: (o) => bankWorkload('bank-2pc', o),
});

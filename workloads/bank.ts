// The bank workloads (Jepsen's bank): random transfers of small amounts between accounts and
// reads of every balance, while faults happen; then a final read from every client. Every read
// must sum to the total the accounts started with, and no balance may go negative. `bank-2pc`
// is the same over accounts spread across independent databases, moved by a two-phase-commit
// coordinator: it adds periodic `recover` ops (the coordinator's scan for in-doubt
// transactions, each resolution recorded) and the two-phase evidence checker.

import { eachThread, fn, once, seq } from '../src/generator/index.js';
import type { Test, Workload } from '../src/protocols.js';
import { opt, parseOptions, type OptionValues } from '../src/plugin/options.js';
import { checkerFor, workloadChecker } from './checkers.js';
import { defineWorkload, type WorkloadContext } from './registry.js';

export interface Transfer {
  from: number;
  to: number;
  amount: number;
}

const options = {
  accounts: opt.number({ integer: true, min: 2, default: 8, doc: 'accounts, numbered from 0' }),
  total: opt.number({ integer: true, min: 1, doc: 'money in the bank, spread evenly over the accounts (default: 10 per account)' }),
  'max-transfer': opt.number({ integer: true, min: 1, default: 5, doc: 'largest amount one transfer moves' }),
};

export interface BankSettings {
  /** Account ids 0..n-1. */
  accounts: number[];
  total: number;
  maxTransfer: number;
}

function settings(o: OptionValues<typeof options>): BankSettings {
  return { accounts: Array.from({ length: o.accounts }, (_, i) => i), total: o.total ?? 10 * o.accounts, maxTransfer: o['max-transfer'] };
}

/** The bank's shape as a db's clients see it: the run's workload options, read by the same declaration. */
export function bankSettings(test: Pick<Test, 'workloadOptions'>): BankSettings {
  return settings(parseOptions(options, test.workloadOptions ?? {}, { flag: '--workload-option', owner: 'workload bank' }));
}

function bankWorkload(name: 'bank' | 'bank-2pc', ctx: WorkloadContext<OptionValues<typeof options>>): Workload {
  const s = settings(ctx.options);
  const twoPc = name === 'bank-2pc';
  // A recovery scan every ~25 ops on average: often enough that an orphaned branch is resolved
  // within a second at the default rate, rarely enough to stay out of the way.
  const recoverP = twoPc ? 0.04 : 0;
  const generator = fn((g) => {
    const x = g.rng.next();
    if (x < recoverP) return { f: 'recover', value: null };
    if (x < 0.5) return { f: 'read', value: null };
    const from = g.rng.int(s.accounts.length);
    const to = (from + 1 + g.rng.int(s.accounts.length - 1)) % s.accounts.length;
    return { f: 'transfer', value: { from, to, amount: 1 + g.rng.int(s.maxTransfer) } satisfies Transfer };
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

defineWorkload({
  name: 'bank',
  doc: 'transfers between accounts and reads of all balances; every read conserves the total, none negative',
  options,
  create: (ctx) => bankWorkload('bank', ctx),
});

defineWorkload({
  name: 'bank-2pc',
  doc: 'bank over accounts spread across independent databases, moved by a two-phase-commit coordinator; total conserved, in-doubt transactions resolved',
  options,
  create: (ctx) => bankWorkload('bank-2pc', ctx),
});

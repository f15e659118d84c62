// The `bank` checker (Jepsen's bank): transfers move money between accounts, so every ok read
// of all balances must sum to the same total, and no balance may be negative unless allowed.

import type { History } from '../../src/history.js';
import type { AnomalyRef, CheckResult } from '../../src/protocols.js';
import { badInput } from '../../src/errors.js';
import { clientRecords, firstAnomalies, optBool, optExactNum, optList } from '../op-pairs.js';
import { defineChecker, mergingOptions } from '../registry.js';
import { addNumbers, isNumeric, sameValue, showValue, valueKey, type ValueKey } from '../values.js';
import { opt } from '../../src/plugin/options.js';

export interface BankOptions {
  /** The conserved total; default: the sum most reads agree on (reported as inferred). */
  total?: number | bigint;
  /** Allow negative balances (some bank variants permit overdrafts). */
  negativeBalances?: boolean;
  /** The accounts every read must cover exactly, if known. */
  accounts?: unknown[];
}

type Amount = number | bigint;

/** A read's balances: a {account: balance} map or a list of [account, balance] pairs. */
function balances(v: unknown, where: string): Map<string, Amount | null> {
  const m = new Map<string, Amount | null>();
  const put = (k: unknown, b: unknown): void => {
    if (b !== null && !isNumeric(b)) throw badInput(`balance of account ${showValue(k, 80)} is not a number: ${showValue(b, 80)}`, where);
    m.set(typeof k === 'string' ? k : showValue(k), b);
  };
  if (Array.isArray(v)) {
    for (const p of v) {
      if (!Array.isArray(p) || p.length !== 2) throw badInput('a bank read must be a map or [account, balance] pairs', where);
      put(p[0], p[1]);
    }
  } else if (v && typeof v === 'object') {
    for (const [k, b] of Object.entries(v)) put(k, b);
  } else throw badInput(`a bank read must be a map of balances, got ${showValue(v, 80)}`, where);
  return m;
}

export function checkBank(history: History, opts: BankOptions = {}): CheckResult {
  // Sums are exact (bigint past 2^53): a total one unit off at 2^60 is still wrong.
  const reads: { index: number; bal: Map<string, Amount | null>; sum: Amount }[] = [];
  let transfers = { ok: 0, fail: 0, info: 0 };
  for (const r of clientRecords(history)) {
    if (r.f === 'transfer') transfers = { ...transfers, [r.type]: transfers[r.type] + 1 };
    if (r.f !== 'read' || r.type !== 'ok') continue;
    const bal = balances(r.complete!.value, `history index ${r.index}`);
    let sum: Amount = 0;
    for (const b of bal.values()) if (b !== null) sum = addNumbers(sum, b);
    reads.push({ index: r.index, bal, sum });
  }
  let total = opts.total;
  let inferred = false;
  if (total === undefined && reads.length) {
    const freq = new Map<ValueKey, { sum: Amount; n: number }>();
    for (const r of reads) {
      const k = valueKey(r.sum);
      const f = freq.get(k);
      if (f) f.n++;
      else freq.set(k, { sum: r.sum, n: 1 });
    }
    total = [...freq.values()].sort((a, b) => b.n - a.n)[0]!.sum;
    inferred = true;
  }
  const expected = opts.accounts?.map(String);
  const errors: { index: number; type: string; message: string }[] = [];
  for (const r of reads) {
    if (!sameValue(r.sum, total)) errors.push({ index: r.index, type: 'wrong-total', message: `balances sum to ${showValue(r.sum)}, expected ${showValue(total)}` });
    for (const [a, b] of r.bal) {
      if (b === null) errors.push({ index: r.index, type: 'nil-balance', message: `account ${a} has no balance` });
      else if (b < 0 && !opts.negativeBalances) errors.push({ index: r.index, type: 'negative', message: `account ${a} has negative balance ${showValue(b)}` });
    }
    if (expected) {
      const missing = expected.filter((a) => !r.bal.has(a));
      const extra = [...r.bal.keys()].filter((a) => !expected.includes(a));
      if (missing.length || extra.length) errors.push({ index: r.index, type: 'accounts', message: `missing accounts [${missing.join(', ')}], unexpected [${extra.join(', ')}]` });
    }
  }
  const byType: Record<string, number> = {};
  for (const e of errors) byType[e.type] = (byType[e.type] ?? 0) + 1;
  const anomalies: AnomalyRef[] = errors.map((e) => ({ index: e.index, message: e.message }));
  return {
    valid: reads.length === 0 ? 'unknown' : errors.length === 0,
    summary: reads.length === 0 ? 'bank: no ok reads' : `bank: ${reads.length} reads, total ${showValue(total)}${inferred ? ' (inferred)' : ''}, ${errors.length} bad (${Object.entries(byType).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'})`,
    total: total ?? null,
    totalInferred: inferred,
    reads: reads.length,
    transfers,
    errorTypes: byType,
    errors: errors.slice(0, 1000),
    ...(anomalies.length ? { anomalies: firstAnomalies(anomalies) } : {}),
    ...(reads.length === 0 ? { error: 'no ok reads to check' } : {}),
  };
}

defineChecker({
  name: 'bank',
  options: {
    total: opt.json({ doc: 'the total every read must sum to (default: the first ok read)' }),
    negativeBalances: opt.boolean({ default: false, doc: 'allow negative balances' }),
    accounts: opt.json({ doc: 'the accounts, as a JSON list (default: those seen)' }),
  },
  doc: 'bank transfers: every read conserves the total, no negative balances unless allowed',
  create: mergingOptions('bank', (h, a) => checkBank(h, { total: optExactNum(a.total), negativeBalances: optBool(a.negativeBalances), accounts: optList(a.accounts) })),
  format(r) {
    const errs = (r.errors as { index: number; message: string }[]) ?? [];
    return [String(r.summary ?? ''), ...errs.slice(0, 10).map((e) => `  history index ${e.index}: ${e.message}`)].join('\n');
  },
});

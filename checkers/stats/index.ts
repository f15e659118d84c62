// The `stats` checker (Jepsen's): ok / fail / info counts per function; invalid if some
// function never succeeded (a workload whose reads all fail tests nothing).

import type { History } from '../../src/history.js';
import type { CheckOptions, CheckResult } from '../../src/protocols.js';
import { clientRecords } from '../op-pairs.js';
import { registerChecker } from '../registry.js';

export interface Counts { count: number; ok: number; fail: number; info: number }

export function checkStats(history: History): CheckResult {
  const byF: Record<string, Counts> = {};
  const total: Counts = { count: 0, ok: 0, fail: 0, info: 0 };
  for (const r of clientRecords(history)) {
    const c = (byF[r.f] ??= { count: 0, ok: 0, fail: 0, info: 0 });
    c.count++;
    c[r.type]++;
    total.count++;
    total[r.type]++;
  }
  const never = Object.entries(byF).filter(([, c]) => c.ok === 0).map(([f]) => f);
  return {
    valid: never.length === 0,
    summary: `stats: ${total.count} ops, ${total.ok} ok, ${total.fail} fail, ${total.info} info${never.length ? `; never succeeded: ${never.join(', ')}` : ''}`,
    total,
    byF,
    ...(never.length ? { neverSucceeded: never } : {}),
  };
}

registerChecker({
  name: 'stats',
  description: 'ok/fail/info counts per function; invalid if a function never succeeds',
  create: (_opts: CheckOptions) => ({ name: 'stats', check: (h) => checkStats(h) }),
  format(r) {
    const byF = (r.byF as Record<string, Counts>) ?? {};
    return [String(r.summary ?? ''), ...Object.entries(byF).map(([f, c]) => `  ${f.padEnd(16)} ${String(c.count).padStart(8)} ops  ok ${c.ok}  fail ${c.fail}  info ${c.info}`)].join('\n');
  },
});

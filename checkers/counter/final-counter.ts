// The `final-counter` checker: Maelstrom's g-counter / pn-counter semantics. A counter that
// gossips (a CRDT) may serve stale reads at any time, so only the final reads (`final: true`,
// after healing and the recovery wait) are judged: each must equal the initial value plus every
// acknowledged add plus some subset of the indeterminate (info) adds. Failed adds never count.
// Reads during the run are counted, not judged.

import type { History } from '../../src/history.js';
import type { AnomalyRef, CheckResult } from '../../src/protocols.js';
import type { CounterOptions } from './index.js';
import { badInput } from '../../src/errors.js';
import { clientRecords, firstAnomalies, optExactNum, optStr } from '../op-pairs.js';
import { defineChecker, mergingOptions } from '../registry.js';
import { isInteger, showValue } from '../values.js';
import { opt } from '../../src/plugin/options.js';

/** The counter's initial value and op names are those of the `counter` checker. */
export interface FinalCounterOptions extends Pick<CounterOptions, 'initial' | 'addF' | 'readF'> {
  /** Distinct possible sums tracked exactly, at most; beyond, the range [min, max] is used. */
  maxSums?: number;
}

export function checkFinalCounter(history: History, opts: FinalCounterOptions = {}): CheckResult {
  const addF = opts.addF ?? 'add';
  const readF = opts.readF ?? 'read';
  const maxSums = opts.maxSums ?? 100_000;
  let acked = BigInt(opts.initial ?? 0);
  const maybe: bigint[] = [];
  const finals: { index: number; value: bigint; node?: unknown }[] = [];
  let reads = 0;
  for (const r of clientRecords(history)) {
    if (r.f === addF) {
      const d = r.invoke.value;
      if (!isInteger(d)) throw badInput(`counter add expects an integer delta, got ${showValue(d, 80)}`, `history index ${r.invoke.index}`);
      if (r.type === 'ok') acked += BigInt(d);
      else if (r.type === 'info') maybe.push(BigInt(d));
    } else if (r.f === readF && r.type === 'ok') {
      reads++;
      if (r.invoke.final !== true) continue;
      const v = r.complete!.value;
      if (!isInteger(v)) throw badInput(`counter read must return an integer, got ${showValue(v, 80)}`, `history index ${r.complete!.index}`);
      finals.push({ index: r.index, value: BigInt(v), node: r.complete!.node ?? r.invoke.node });
    }
  }
  // Possible values: acked + every subset sum of the indeterminate deltas (exact while small).
  let sums: Set<bigint> | null = new Set([acked]);
  let lo = acked, hi = acked;
  for (const d of maybe) {
    if (d < 0n) lo += d;
    else hi += d;
    if (sums) {
      const next: Set<bigint> = new Set(sums);
      for (const s of sums) next.add(s + d);
      sums = next.size > maxSums ? null : next;
    }
  }
  const possible = (v: bigint): boolean => (sums ? sums.has(v) : v >= lo && v <= hi);
  const bad = finals.filter((f) => !possible(f.value));
  const anomalies: AnomalyRef[] = bad.map((f) => ({
    index: f.index,
    message: `final read ${f.value} is not the acknowledged total ${acked}${maybe.length ? ` plus a subset of ${maybe.length} indeterminate adds (possible range [${lo}, ${hi}])` : ''}`,
  }));
  const distinct = [...new Set(finals.map((f) => f.value))];
  const num = (b: bigint): number | bigint => (b >= BigInt(Number.MIN_SAFE_INTEGER) && b <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : b);
  return {
    valid: finals.length === 0 ? 'unknown' : bad.length === 0,
    summary:
      finals.length === 0
        ? `final-counter: no final read succeeded (${reads} reads in all): nothing to judge`
        : `final-counter: ${finals.length} final reads (${distinct.length === 1 ? `all ${distinct[0]}` : `values ${distinct.slice(0, 5).join(', ')}`}), ${bad.length} impossible; acknowledged total ${acked}, ${maybe.length} indeterminate adds${sums ? '' : ' (too many for exact subset sums: range checked)'}`,
    acknowledgedTotal: num(acked),
    indeterminateAdds: maybe.length,
    possibleRange: [num(lo), num(hi)],
    exactSubsets: sums !== null,
    finalReads: finals.slice(0, 100).map((f) => ({ index: f.index, value: num(f.value), ...(f.node !== undefined ? { node: f.node } : {}) })),
    finalReadsAgree: distinct.length <= 1,
    reads,
    ...(anomalies.length ? { anomalies: firstAnomalies(anomalies) } : {}),
  };
}

defineChecker({
  name: 'final-counter',
  options: {
    initial: opt.json({ doc: 'the initial value (default 0)' }),
    addF: opt.string({ default: 'add', doc: 'the f of adds' }),
    readF: opt.string({ default: 'read', doc: 'the f of reads' }),
  },
  doc: "Maelstrom's g-counter/pn-counter: each final read equals the acknowledged adds plus a subset of the indeterminate ones",
  create: mergingOptions('final-counter', (h, a) => checkFinalCounter(h, { initial: optExactNum(a.initial), addF: optStr(a.addF), readF: optStr(a.readF) })),
  format: (r) => [String(r.summary ?? ''), ...((r.anomalies as AnomalyRef[] | undefined) ?? []).slice(0, 10).map((a) => `  history index ${a.index}: ${a.message}`)].join('\n'),
});

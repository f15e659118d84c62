// The `counter` checker (Jepsen's counter, extended to PN counters): every ok read must lie
// within [lower, upper], where lower counts the adds surely done before the read began (ok adds
// that completed before its invocation) plus every negative add that may have happened, and
// upper the same with the positive ones. Adds that may have happened are those invoked before the
// read completed and not failed. After quiescence (no add pending) the bounds meet: the value
// must be exact.

import type { History } from '../../src/history.js';
import type { AnomalyRef, CheckResult } from '../../src/protocols.js';
import { badInput } from '../../src/errors.js';
import { clientRecords, firstAnomalies, optBool, optExactNum, optStr } from '../op-pairs.js';
import { defineChecker, mergingOptions } from '../registry.js';
import { addNumbers, isNumeric, sameValue, showValue } from '../values.js';
import { opt } from '../../src/plugin/options.js';

export interface CounterOptions {
  /** The counter's initial value (default 0). */
  initial?: number | bigint;
  addF?: string;
  readF?: string;
  /**
   * An eventually consistent counter (CRDT, gossip): a read may miss any add that is not yet
   * propagated, so only the final reads (`final: true`, after healing and quiescence) must count
   * every acknowledged add; other reads must only stay within what may have happened.
   */
  eventual?: boolean;
}

export function checkCounter(history: History, opts: CounterOptions = {}): CheckResult {
  const addF = opts.addF ?? 'add';
  const readF = opts.readF ?? 'read';
  const init = opts.initial ?? 0;
  const recs = clientRecords(history).filter((r) => r.f === addF || r.f === readF);
  // Sweep events in history order: invocations and completions.
  // Sums are exact: numbers while they stay safe integers (or fractions), bigint beyond 2^53.
  type N = number | bigint;
  interface Ev { at: number; kind: 0 | 1 | 2 | 3; d: N; ri: number } // 0 add invoke, 1 add ok, 2 read invoke, 3 read ok
  const evs: Ev[] = [];
  const reads: { rec: (typeof recs)[number]; lower: N; upper: N; dneg: N; dpos: N }[] = [];
  for (const r of recs) {
    if (r.f === addF) {
      if (r.type === 'fail') continue;
      const d = r.invoke.value;
      if (!isNumeric(d)) throw badInput(`counter add expects a number delta, got ${showValue(d, 80)}`, `history index ${r.invoke.index}`);
      evs.push({ at: r.invoke.index, kind: 0, d, ri: -1 });
      if (r.type === 'ok') evs.push({ at: r.complete!.index, kind: 1, d, ri: -1 });
    } else if (r.type === 'ok') {
      const v = r.complete!.value;
      if (!isNumeric(v)) throw badInput(`counter read must return a number, got ${showValue(v, 80)}`, `history index ${r.complete!.index}`);
      reads.push({ rec: r, lower: 0, upper: 0, dneg: 0, dpos: 0 });
      evs.push({ at: r.invoke.index, kind: 2, d: 0, ri: reads.length - 1 });
      evs.push({ at: r.complete!.index, kind: 3, d: 0, ri: reads.length - 1 });
    }
  }
  evs.sort((a, b) => a.at - b.at);
  let done: N = 0; // sum of ok adds completed so far
  let donePos: N = 0;
  let doneNeg: N = 0;
  let invPos: N = 0; // sum of positive deltas of non-failed adds invoked so far
  let invNeg: N = 0;
  for (const e of evs) {
    if (e.kind === 0) {
      if (e.d > 0) invPos = addNumbers(invPos, e.d);
      else invNeg = addNumbers(invNeg, e.d);
    } else if (e.kind === 1) {
      done = addNumbers(done, e.d);
      if (e.d > 0) donePos = addNumbers(donePos, e.d);
      else doneNeg = addNumbers(doneNeg, e.d);
    } else if (e.kind === 2) {
      const rd = reads[e.ri]!;
      rd.lower = done;
      rd.dpos = donePos;
      rd.dneg = doneNeg;
    } else {
      const rd = reads[e.ri]!;
      if (opts.eventual && rd.rec.invoke.final !== true) {
        // Surely-done adds bind only final reads: forget them for a possibly stale read.
        rd.lower = 0;
        rd.dpos = 0;
        rd.dneg = 0;
      }
      const base = addNumbers(init, rd.lower);
      rd.lower = addNumbers(base, addNumbers(invNeg, -rd.dneg));
      rd.upper = addNumbers(base, addNumbers(invPos, -rd.dpos));
    }
  }
  const anomalies: AnomalyRef[] = [];
  const errors: { index: number; value: N; lower: N; upper: N }[] = [];
  for (const rd of reads) {
    const v = rd.rec.complete!.value as N;
    if (v < rd.lower || v > rd.upper) {
      errors.push({ index: rd.rec.index, value: v, lower: rd.lower, upper: rd.upper });
      anomalies.push({ index: rd.rec.index, message: `read ${showValue(v)} outside the possible range [${showValue(rd.lower)}, ${showValue(rd.upper)}]` });
    }
  }
  const last = reads[reads.length - 1];
  const final = last ? { index: last.rec.index, value: last.rec.complete!.value, lower: last.lower, upper: last.upper, exact: sameValue(last.lower, last.upper) } : null;
  return {
    valid: errors.length === 0,
    summary: `counter: ${reads.length} reads, ${errors.length} outside their bounds${final ? `; last read ${showValue(final.value)} in [${showValue(final.lower)}, ${showValue(final.upper)}]` : ''}`,
    reads: reads.length,
    errors: errors.slice(0, 1000),
    errorCount: errors.length,
    final,
    ...(anomalies.length ? { anomalies: firstAnomalies(anomalies) } : {}),
  };
}

defineChecker({
  name: 'counter',
  options: {
    initial: opt.json({ doc: 'the initial value (default 0)' }),
    addF: opt.string({ default: 'add', doc: 'the f of increments' }),
    readF: opt.string({ default: 'read', doc: 'the f of reads' }),
    eventual: opt.boolean({ doc: 'reads may be stale; only final reads are exact' }),
  },
  doc: 'grow-only and PN counters: every read within the bounds of acknowledged and attempted adds',
  create: mergingOptions('counter', (h, a) => checkCounter(h, { initial: optExactNum(a.initial), addF: optStr(a.addF), readF: optStr(a.readF), eventual: optBool(a.eventual) })),
  format(r) {
    const lines = [String(r.summary ?? '')];
    for (const e of ((r.errors as { index: number; value: unknown; lower: unknown; upper: unknown }[]) ?? []).slice(0, 10)) {
      lines.push(`  history index ${e.index}: read ${showValue(e.value)}, possible [${showValue(e.lower)}, ${showValue(e.upper)}]`);
    }
    return lines.join('\n');
  },
});

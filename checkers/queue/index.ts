// Queue checkers. `total-queue` (Jepsen's): over the whole history, every acknowledged enqueue is
// dequeued (else lost) and nothing is dequeued that was never enqueued (unexpected); values
// dequeued more often than enqueued are reported as duplicated, and make the history invalid only
// with allowDuplicates=false (Jepsen accepts at-least-once delivery); crashed enqueues that come
// out are "recovered". `queue`: the unordered-queue
// model checked as ops happen: a dequeue returns an element whose enqueue had begun and that no
// earlier dequeue took, and an empty dequeue is wrong while some element was surely in the queue;
// lost elements are counted only if the history ends with a drain.

import type { History } from '../../src/history.js';
import type { AnomalyRef, CheckOptions, CheckResult } from '../../src/protocols.js';
import { clientRecords, firstAnomalies, optBool, show, valueKey, type OpRecord, type ValueKey } from '../op-pairs.js';
import { defineChecker, mergingOptions } from '../registry.js';
import { opt } from '../../src/plugin/options.js';

interface Deq { rec: OpRecord; value: unknown }

function dequeued(recs: OpRecord[]): Deq[] {
  const out: Deq[] = [];
  for (const r of recs) {
    if (r.type !== 'ok') continue;
    const v = r.complete!.value;
    if (r.f === 'dequeue' && v !== null && v !== undefined) out.push({ rec: r, value: v });
    if (r.f === 'drain' && Array.isArray(v)) for (const x of v) out.push({ rec: r, value: x });
  }
  return out;
}

/**
 * A drain that emptied the queue: ok, and not marked incomplete. A client whose drain ran out of
 * time reports what it got as `ok` with an `error` saying so: those elements were dequeued, but
 * the queue was not seen empty.
 */
const drainedAll = (r: OpRecord): boolean => r.f === 'drain' && r.type === 'ok' && !r.complete?.error;

export function checkTotalQueue(history: History, opts: { allowDuplicates?: boolean } = {}): CheckResult {
  // Multisets (Jepsen's): the same value may legitimately be enqueued, and dequeued, twice.
  const recs = clientRecords(history);
  const attempts = new Map<ValueKey, number>(); // enqueues not known to have failed
  const acked = new Map<ValueKey, number>();
  const crashed = new Map<ValueKey, number>();
  const valueOf = new Map<ValueKey, unknown>();
  const inc = (m: Map<ValueKey, number>, k: ValueKey): number => {
    const n = (m.get(k) ?? 0) + 1;
    m.set(k, n);
    return n;
  };
  for (const r of recs) {
    if (r.f !== 'enqueue' || r.type === 'fail') continue;
    const k = valueKey(r.invoke.value);
    valueOf.set(k, r.invoke.value);
    inc(attempts, k);
    inc(r.type === 'ok' ? acked : crashed, k);
  }
  const dequeues = new Map<ValueKey, number>();
  const anomalies: AnomalyRef[] = [];
  const unexpected: unknown[] = [];
  const duplicated: unknown[] = [];
  for (const d of dequeued(recs)) {
    const k = valueKey(d.value);
    const n = inc(dequeues, k);
    const allowed = attempts.get(k) ?? 0;
    if (allowed === 0) {
      if (n === 1) unexpected.push(d.value);
      anomalies.push({ index: d.rec.index, message: `dequeued ${show(d.value)}, which was never enqueued` });
    } else if (n === allowed + 1) {
      duplicated.push(d.value);
      if (!opts.allowDuplicates) anomalies.push({ index: d.rec.index, message: `dequeued ${show(d.value)} more often than it was enqueued` });
    }
  }
  const lost: unknown[] = [];
  const recovered: unknown[] = [];
  let acknowledged = 0;
  for (const [k, n] of acked) {
    acknowledged += n;
    const got = dequeues.get(k) ?? 0;
    for (let i = got; i < n; i++) lost.push(valueOf.get(k));
    const extra = Math.min(crashed.get(k) ?? 0, Math.max(0, got - n));
    for (let i = 0; i < extra; i++) recovered.push(valueOf.get(k));
  }
  for (const [k, n] of crashed) if (!acked.has(k)) for (let i = 0; i < Math.min(n, dequeues.get(k) ?? 0); i++) recovered.push(valueOf.get(k));
  // A history with a final drain that never completed (every drain failed, timed out, or came
  // back ok but saying it could not empty the queue) never saw what was left in the queue: its
  // undequeued elements may still be there. They are not lost, but not judged either: unknown.
  // (Without any drain, Jepsen's rule: undequeued is lost.)
  const undrained = recs.some((r) => r.f === 'drain') && !recs.some(drainedAll);
  if (lost.length && !undrained) {
    const last = history.length ? history[history.length - 1]!.index : 0;
    anomalies.push({ index: last, message: `${lost.length} acknowledged enqueues never dequeued, e.g. ${show(lost[0])}` });
  }
  const broken = unexpected.length > 0 || (opts.allowDuplicates === false && duplicated.length > 0);
  const valid = broken || (lost.length && !undrained) ? false : lost.length ? 'unknown' : true;
  const lostWord = undrained ? `${lost.length} not dequeued (no final drain completed: not judged lost)` : `${lost.length} lost`;
  return {
    valid,
    summary: `total-queue: ${acknowledged} acknowledged enqueues, ${lostWord}, ${unexpected.length} unexpected, ${duplicated.length} duplicated${duplicated.length && opts.allowDuplicates !== false ? ' (allowed: at-least-once)' : ''}, ${recovered.length} recovered`,
    acknowledged,
    ...(undrained ? { undrained: lost.slice(0, 1000), undrainedCount: lost.length, lost: [], lostCount: 0 } : { lost: lost.slice(0, 1000), lostCount: lost.length }),
    unexpected: unexpected.slice(0, 1000),
    duplicated: duplicated.slice(0, 1000),
    recovered: recovered.slice(0, 1000),
    ...(anomalies.length ? { anomalies: firstAnomalies(opts.allowDuplicates !== false ? anomalies.filter((a) => !/more often/.test(a.message)) : anomalies) } : {}),
  };
}

export function checkQueue(history: History): CheckResult {
  const recs = clientRecords(history);
  // Sweep invocations and completions in history order.
  interface Ev { at: number; end: boolean; r: OpRecord }
  const evs: Ev[] = [];
  for (const r of recs) {
    if (!['enqueue', 'dequeue', 'drain'].includes(r.f) || r.type === 'fail') continue;
    evs.push({ at: r.invoke.index, end: false, r });
    if (r.complete) evs.push({ at: r.complete.index, end: true, r });
  }
  evs.sort((a, b) => a.at - b.at);
  const begun = new Map<ValueKey, number>(); // enqueues invoked (maybe in the queue)
  const sure = new Map<ValueKey, number>(); // acknowledged and not yet dequeued
  const taken = new Map<ValueKey, number>();
  const early = new Map<ValueKey, number>(); // dequeued before their enqueue was acknowledged
  let sureCount = 0;
  let uncertainDequeues = 0; // dequeues in flight or crashed: each may have taken one element
  const anomalies: AnomalyRef[] = [];
  const hasDrain = recs.some(drainedAll);
  let deq = 0;
  for (const { end, r } of evs) {
    if (r.f === 'enqueue') {
      const k = valueKey(r.invoke.value);
      if (!end) begun.set(k, (begun.get(k) ?? 0) + 1);
      else if (r.type === 'ok') {
        // Already dequeued while this enqueue was in flight: it is not in the queue.
        if ((early.get(k) ?? 0) > 0) early.set(k, early.get(k)! - 1);
        else {
          sure.set(k, (sure.get(k) ?? 0) + 1);
          sureCount++;
        }
      }
      continue;
    }
    if (!end) {
      uncertainDequeues++;
      continue;
    }
    uncertainDequeues--;
    if (r.type !== 'ok') {
      // A crashed dequeue may have taken any one element, forever.
      uncertainDequeues++;
      continue;
    }
    const v = r.complete!.value;
    const vals = r.f === 'drain' ? (Array.isArray(v) ? v : []) : v === null || v === undefined ? [] : [v];
    if (!vals.length && r.f === 'dequeue') {
      if (sureCount - uncertainDequeues > 0) {
        const eg = [...sure.entries()].find(([, n]) => n > 0)?.[0];
        anomalies.push({ index: r.index, message: `dequeue found the queue empty, but ${sureCount} acknowledged elements were in it (e.g. ${show(eg)})` });
      }
      continue;
    }
    for (const x of vals) {
      deq++;
      const k = valueKey(x);
      const t = (taken.get(k) ?? 0) + 1;
      taken.set(k, t);
      if (!begun.has(k)) anomalies.push({ index: r.index, message: `dequeued ${show(x)} before any enqueue of it began` });
      else if (t > begun.get(k)!) anomalies.push({ index: r.index, message: `dequeued ${show(x)} more often than it had been enqueued` });
      if ((sure.get(k) ?? 0) > 0) {
        sure.set(k, sure.get(k)! - 1);
        sureCount--;
      } else early.set(k, (early.get(k) ?? 0) + 1);
    }
  }
  let lost: unknown[] = [];
  if (hasDrain) {
    for (const r of recs) {
      if (r.f !== 'enqueue' || r.type !== 'ok') continue;
      const k = valueKey(r.invoke.value);
      const left = taken.get(k) ?? 0;
      if (left > 0) taken.set(k, left - 1);
      else lost.push(r.invoke.value);
    }
    if (lost.length) anomalies.push({ index: history[history.length - 1]?.index ?? 0, message: `${lost.length} acknowledged enqueues were never dequeued, e.g. ${show(lost[0])}` });
  }
  return {
    valid: anomalies.length === 0,
    summary: `queue: ${deq} dequeued, ${anomalies.length} anomalies${hasDrain ? `, ${lost.length} lost` : ' (no drain: lost elements not checked)'}`,
    lost: lost.slice(0, 1000),
    ...(anomalies.length ? { anomalies: firstAnomalies(anomalies) } : {}),
  };
}

const fmt = (r: CheckResult): string => [String(r.summary ?? ''), ...(r.anomalies ?? []).slice(0, 10).map((a) => `  history index ${a.index}: ${a.message}`)].join('\n');

defineChecker({
  name: 'total-queue',
  options: { allowDuplicates: opt.boolean({ default: true, doc: 'false: exactly-once delivery (a duplicate is invalid)' }) },
  doc: 'queue: every acknowledged enqueue dequeued, nothing unexpected (allowDuplicates=false: exactly once)',
  create: mergingOptions('total-queue', (h, a) => checkTotalQueue(h, { allowDuplicates: optBool(a.allowDuplicates) })),
  format: fmt,
});

defineChecker({
  name: 'queue',
  doc: 'unordered queue: dequeues return enqueued, not yet dequeued elements; no false empties',
  create: (_opts: CheckOptions) => ({ name: 'queue', check: (h) => checkQueue(h) }),
  format: fmt,
});

// Queue checkers. `total-queue` (Jepsen's): over the whole history, every acknowledged enqueue is
// dequeued (else lost), nothing is dequeued that was never enqueued (unexpected), nothing twice
// (duplicated); crashed enqueues that come out are "recovered". `queue`: the unordered-queue
// model checked as ops happen: a dequeue returns an element whose enqueue had begun and that no
// earlier dequeue took, and an empty dequeue is wrong while some element was surely in the queue;
// lost elements are counted only if the history ends with a drain.

import type { History } from '../../src/history.js';
import type { AnomalyRef, CheckOptions, CheckResult } from '../../src/protocols.js';
import { clientRecords, firstAnomalies, optBool, show, valueKey, type OpRecord } from '../op-pairs.js';
import { registerChecker } from '../registry.js';

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

export function checkTotalQueue(history: History, opts: { allowDuplicates?: boolean } = {}): CheckResult {
  const recs = clientRecords(history);
  const enq = new Map<string | number, OpRecord>();
  for (const r of recs) {
    if (r.f !== 'enqueue' || r.type === 'fail') continue;
    const k = valueKey(r.invoke.value);
    const prev = enq.get(k);
    if (!prev || (prev.type !== 'ok' && r.type === 'ok')) enq.set(k, r);
  }
  const count = new Map<string | number, number>();
  const anomalies: AnomalyRef[] = [];
  const unexpected: unknown[] = [];
  const duplicated: unknown[] = [];
  const recovered: unknown[] = [];
  for (const d of dequeued(recs)) {
    const k = valueKey(d.value);
    const n = (count.get(k) ?? 0) + 1;
    count.set(k, n);
    const e = enq.get(k);
    if (!e) {
      unexpected.push(d.value);
      anomalies.push({ index: d.rec.index, message: `dequeued ${show(d.value)}, which was never enqueued` });
    } else if (n === 2) {
      duplicated.push(d.value);
      if (!opts.allowDuplicates) anomalies.push({ index: d.rec.index, message: `dequeued ${show(d.value)} a second time` });
    } else if (n === 1 && e.type === 'info') recovered.push(d.value);
  }
  const lost: unknown[] = [];
  let acknowledged = 0;
  for (const [k, e] of enq) {
    if (e.type !== 'ok') continue;
    acknowledged++;
    if (!count.has(k)) lost.push(e.invoke.value);
  }
  if (lost.length) {
    const last = history.length ? history[history.length - 1]!.index : 0;
    anomalies.push({ index: last, message: `${lost.length} acknowledged enqueues never dequeued, e.g. ${show(lost[0])}` });
  }
  const valid = lost.length === 0 && unexpected.length === 0 && (opts.allowDuplicates || duplicated.length === 0);
  return {
    valid,
    summary: `total-queue: ${acknowledged} acknowledged enqueues, ${lost.length} lost, ${unexpected.length} unexpected, ${duplicated.length} duplicated, ${recovered.length} recovered`,
    acknowledged,
    lost: lost.slice(0, 1000),
    lostCount: lost.length,
    unexpected: unexpected.slice(0, 1000),
    duplicated: duplicated.slice(0, 1000),
    recovered: recovered.slice(0, 1000),
    ...(anomalies.length ? { anomalies: firstAnomalies(anomalies) } : {}),
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
  const begun = new Set<string | number>(); // enqueue invoked (maybe in the queue)
  const sure = new Set<string | number>(); // enqueue ok and no dequeue of it begun
  const taken = new Set<string | number>();
  let uncertainDequeues = 0; // dequeues in flight or crashed: each may have taken one element
  const anomalies: AnomalyRef[] = [];
  const hasDrain = recs.some((r) => r.f === 'drain' && r.type === 'ok');
  let deq = 0;
  for (const { end, r } of evs) {
    if (r.f === 'enqueue') {
      const k = valueKey(r.invoke.value);
      if (!end) begun.add(k);
      else if (r.type === 'ok' && !taken.has(k)) sure.add(k);
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
      if (sure.size - uncertainDequeues > 0) {
        anomalies.push({ index: r.index, message: `dequeue found the queue empty, but ${sure.size} acknowledged elements were in it (e.g. ${show([...sure][0])})` });
      }
      continue;
    }
    for (const x of vals) {
      deq++;
      const k = valueKey(x);
      if (!begun.has(k)) anomalies.push({ index: r.index, message: `dequeued ${show(x)} before any enqueue of it began` });
      else if (taken.has(k)) anomalies.push({ index: r.index, message: `dequeued ${show(x)}, which an earlier dequeue already took` });
      taken.add(k);
      sure.delete(k);
    }
  }
  let lost: unknown[] = [];
  if (hasDrain) {
    lost = recs.filter((r) => r.f === 'enqueue' && r.type === 'ok' && !taken.has(valueKey(r.invoke.value))).map((r) => r.invoke.value);
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

registerChecker({
  name: 'total-queue',
  description: 'queue: every acknowledged enqueue dequeued exactly once, nothing unexpected',
  create: (opts: CheckOptions) => ({ name: 'total-queue', check: (h, o) => checkTotalQueue(h, { allowDuplicates: optBool({ ...opts, ...o }.allowDuplicates) }) }),
  format: fmt,
});

registerChecker({
  name: 'queue',
  description: 'unordered queue: dequeues return enqueued, not yet dequeued elements; no false empties',
  create: (_opts: CheckOptions) => ({ name: 'queue', check: (h) => checkQueue(h) }),
  format: fmt,
});

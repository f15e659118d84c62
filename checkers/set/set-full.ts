// Jepsen's set-full analysis, per element: when was the add acknowledged (or first seen), which
// reads after that missed it, and is it present from some read on (stable; stale if some read
// after the acknowledgement missed it first), or absent at the end (lost)? Also never-read,
// unexpected (read but never added, or added with a failed add) and duplicated elements, and the
// time from acknowledgement to stable visibility, with quantiles.

import type { History } from '../../src/history.js';
import type { AnomalyRef, CheckResult, ElementOutcome } from '../../src/protocols.js';
import { firstAnomalies, quantiles, show } from '../op-pairs.js';
import { checkConvergence } from './convergence.js';
import { readSetHistory } from './set-read.js';

export interface SetFullOptions {
  /** Stale reads are violations (for systems that promise linearizable sets). */
  linearizable?: boolean;
  /** At most this many element outcomes in the result (problems first). */
  maxElements?: number;
  addF?: string;
  readF?: string;
}

export function checkSetFull(history: History, opts: SetFullOptions = {}): CheckResult {
  const s = readSetHistory(history, opts.addF, opts.readF);
  const N = s.elements.length;
  const R = s.reads.length;
  const words = (N + 31) >>> 5;
  const calls = new Float64Array(R);
  const present: Uint32Array[] = [];
  const known = new Float64Array(N).fill(Infinity);
  const lastPresent = new Int32Array(N).fill(-1);
  const firstPresent = new Int32Array(N).fill(-1);
  const duplicated = new Uint8Array(N);
  for (let e = 0; e < N; e++) {
    const a = s.adds[e];
    if (a && a.type === 'ok' && a.retNs !== null) known[e] = a.retNs;
  }
  for (let j = 0; j < R; j++) {
    const rd = s.reads[j]!;
    calls[j] = rd.rec.callNs;
    const bits = new Uint32Array(words);
    const t = rd.rec.retNs ?? Infinity;
    const ids = rd.ids;
    for (let i = 0; i < ids.length; i++) {
      const e = ids[i]!;
      const m = 1 << (e & 31);
      const w = bits[e >>> 5]!;
      if (w & m) duplicated[e] = 1;
      bits[e >>> 5] = w | m;
      lastPresent[e] = j;
      if (firstPresent[e]! < 0) firstPresent[e] = j;
      if (t < known[e]!) known[e] = t;
    }
    present.push(bits);
  }
  const has = (j: number, e: number): boolean => (present[j]![e >>> 5]! & (1 << (e & 31))) !== 0;
  // First read (by invocation) that starts after time t: reads are in invocation order.
  const firstAfter = (t: number): number => {
    let lo = 0;
    let hi = R;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (calls[mid]! > t) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };

  const outcomes: ElementOutcome[] = [];
  const anomalies: AnomalyRef[] = [];
  const counts = { attempted: 0, acknowledged: 0, stable: 0, stale: 0, lost: 0, 'never-read': 0, unexpected: 0, duplicated: 0, 'crashed-unseen': 0 };
  const latencies: number[] = [];
  const staleLatencies: number[] = [];
  const problems: ElementOutcome[] = [];
  const stable: ElementOutcome[] = [];
  for (let e = 0; e < N; e++) {
    const add = s.adds[e];
    const el = s.elements[e];
    if (add) counts.attempted++;
    if (add?.type === 'ok') counts.acknowledged++;
    const base = { element: el, ...(add ? { addIndex: add.index } : {}) };
    if (duplicated[e]) {
      counts.duplicated++;
      problems.push({ ...base, outcome: 'duplicated', lastPresentIndex: s.reads[lastPresent[e]!]!.rec.index });
      anomalies.push({ index: s.reads[lastPresent[e]!]!.rec.index, message: `element ${show(el)} appears more than once in one read` });
    }
    if (!add || (add.type === 'fail' && lastPresent[e]! >= 0)) {
      if (lastPresent[e]! < 0) continue;
      counts.unexpected++;
      const at = s.reads[firstPresent[e]!]!.rec.index;
      problems.push({ ...base, outcome: 'unexpected', lastPresentIndex: s.reads[lastPresent[e]!]!.rec.index });
      anomalies.push({ index: at, message: add ? `element ${show(el)} read although its add failed` : `element ${show(el)} read but never added` });
      continue;
    }
    if (known[e] === Infinity) {
      // A crashed or failed add never seen: it may simply not have happened.
      if (add.type !== 'fail') counts['crashed-unseen']++;
      continue;
    }
    const from = firstAfter(known[e]!);
    if (from >= R) {
      counts['never-read']++;
      problems.push({ ...base, outcome: 'never-read', lastPresentIndex: lastPresent[e]! >= 0 ? s.reads[lastPresent[e]!]!.rec.index : null });
      continue;
    }
    let lastAbsent = -1;
    for (let j = R - 1; j >= from; j--) {
      if (!has(j, e)) {
        lastAbsent = j;
        break;
      }
    }
    const lp = lastPresent[e]!;
    const lpIndex = lp >= 0 ? s.reads[lp]!.rec.index : null;
    if (lastAbsent < 0) {
      counts.stable++;
      latencies.push(0);
      if (stable.length < (opts.maxElements ?? 10_000)) stable.push({ ...base, outcome: 'stable', visibilityLatencyNs: 0, lastAbsentIndex: null, lastPresentIndex: lpIndex });
    } else if (lp > lastAbsent) {
      // Present from read lastAbsent+1 on? Only if every later read has it (lastAbsent is the last miss).
      const lat = Math.max(0, calls[lastAbsent + 1]! - known[e]!);
      counts.stale++;
      latencies.push(lat);
      staleLatencies.push(lat);
      problems.push({ ...base, outcome: 'stale', visibilityLatencyNs: lat, lastAbsentIndex: s.reads[lastAbsent]!.rec.index, lastPresentIndex: lpIndex });
      if (opts.linearizable) anomalies.push({ index: s.reads[lastAbsent]!.rec.index, message: `read misses ${show(el)}, acknowledged before the read began` });
    } else {
      counts.lost++;
      const absIdx = s.reads[lastAbsent]!.rec.index;
      problems.push({ ...base, outcome: 'lost', visibilityLatencyNs: null, lastAbsentIndex: absIdx, lastPresentIndex: lpIndex });
      anomalies.push({ index: absIdx, message: `element ${show(el)} lost: ${add.type === 'ok' ? 'acknowledged' : 'seen'}, then absent from every read from this one on` });
    }
  }
  const max = opts.maxElements ?? 10_000;
  const order: Record<string, number> = { lost: 0, unexpected: 1, duplicated: 2, stale: 3, 'never-read': 4, stable: 5 };
  problems.sort((a, b) => order[a.outcome]! - order[b.outcome]!);
  outcomes.push(...problems.slice(0, max), ...stable.slice(0, Math.max(0, max - problems.length)));

  const lost = problems.filter((p) => p.outcome === 'lost').map((p) => p.element);
  const convergence = checkConvergence(s);
  const valid = counts.lost === 0 && counts.unexpected === 0 && counts.duplicated === 0 && !(opts.linearizable && counts.stale > 0) && convergence.valid !== false;
  const parts = [`${counts.acknowledged} acknowledged adds`, `${counts.stable} stable`, `${counts.stale} stale`, `${counts.lost} lost`];
  if (counts.unexpected) parts.push(`${counts.unexpected} unexpected`);
  if (counts.duplicated) parts.push(`${counts.duplicated} duplicated`);
  if (counts['never-read']) parts.push(`${counts['never-read']} never read`);
  return {
    valid,
    summary: `set-full: ${parts.join(', ')}${convergence.valid === false ? '; replicas did not converge' : ''}`,
    counts,
    lost: lost.slice(0, 1000),
    lostCount: lost.length,
    visibilityLatencyNs: quantiles(latencies),
    staleLatencyNs: quantiles(staleLatencies),
    elements: outcomes,
    elementsTruncated: outcomes.length < problems.length + stable.length || counts.stable > stable.length,
    convergence,
    ...(anomalies.length ? { anomalies: firstAnomalies(anomalies) } : {}),
    reads: R,
  };
}

// Jepsen's set-full analysis, per element. Definitions (as in Jepsen's checker, by the reads that
// complete after the add was invoked, ordered by invocation):
// - known: the add's ok completion or the first read that saw the element, whichever is first;
// - stable: some read saw it, and every read invoked after the last read that missed it saw it;
//   its latency is from known to that last miss (0 if none): stale if > 0;
// - lost: known, and a read invoked after known missed it, with no later read seeing it again;
// - never-read: neither (no decisive read after the add, or a crashed add never seen).
// Beyond Jepsen: elements read but never added, or added by a failed add (unexpected), and
// elements appearing twice in one read (duplicated), are violations. Final reads from every
// node must converge (see convergence.ts).

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
  const rets = new Float64Array(R);
  const present: Uint32Array[] = [];
  const known = new Float64Array(N).fill(Infinity); // time
  const knownIdx = new Float64Array(N).fill(Infinity); // history index of the knowing op
  const lastPresent = new Int32Array(N).fill(-1);
  const firstPresent = new Int32Array(N).fill(-1);
  const duplicated = new Uint8Array(N);
  let maxReadNs = 0;
  for (let e = 0; e < N; e++) {
    const a = s.adds[e];
    if (a && a.type === 'ok' && a.retNs !== null) {
      known[e] = a.retNs;
      knownIdx[e] = a.index;
    }
  }
  for (let j = 0; j < R; j++) {
    const rd = s.reads[j]!;
    calls[j] = rd.rec.callNs;
    rets[j] = rd.rec.retNs ?? Infinity;
    maxReadNs = Math.max(maxReadNs, rets[j]! - calls[j]!);
    const bits = new Uint32Array(words);
    const t = rets[j]!;
    const ti = rd.rec.index;
    const ids = rd.ids;
    for (let i = 0; i < ids.length; i++) {
      const e = ids[i]!;
      const m = 1 << (e & 31);
      const w = bits[e >>> 5]!;
      if (w & m) duplicated[e] = 1;
      bits[e >>> 5] = w | m;
      lastPresent[e] = j;
      if (firstPresent[e]! < 0) firstPresent[e] = j;
      if (ti < knownIdx[e]!) {
        known[e] = t;
        knownIdx[e] = ti;
      }
    }
    present.push(bits);
  }
  const has = (j: number, e: number): boolean => (present[j]![e >>> 5]! & (1 << (e & 31))) !== 0;

  const anomalies: AnomalyRef[] = [];
  const counts = { attempted: 0, acknowledged: 0, stable: 0, stale: 0, lost: 0, 'never-read': 0, unexpected: 0, duplicated: 0 };
  const stableLatencies: number[] = [];
  const lostLatencies: number[] = [];
  const problems: ElementOutcome[] = [];
  const stable: ElementOutcome[] = [];
  const max = opts.maxElements ?? 10_000;
  const readIndex = (j: number): number | null => (j >= 0 ? s.reads[j]!.rec.index : null);
  for (let e = 0; e < N; e++) {
    const add = s.adds[e];
    const el = s.elements[e];
    const lp = lastPresent[e]!;
    if (add) counts.attempted++;
    if (add?.type === 'ok') counts.acknowledged++;
    const base = { element: el, ...(add ? { addIndex: add.index } : {}) };
    if (duplicated[e]) {
      counts.duplicated++;
      problems.push({ ...base, outcome: 'duplicated', lastPresentIndex: readIndex(lp) });
      anomalies.push({ index: readIndex(lp)!, message: `element ${show(el)} appears more than once in one read` });
    }
    if (!add || (add.type === 'fail' && lp >= 0)) {
      if (lp < 0) continue; // a failed add never seen: fine
      counts.unexpected++;
      problems.push({ ...base, outcome: 'unexpected', lastPresentIndex: readIndex(lp) });
      anomalies.push({ index: readIndex(firstPresent[e]!)!, message: add ? `element ${show(el)} read although its add failed` : `element ${show(el)} read but never added` });
      continue;
    }
    if (add.type === 'fail') continue;
    // The last read (by invocation) that missed the element, among reads completing after the
    // add was invoked. Reads are in invocation order; scan back until reads begin too early.
    const addCall = add.callNs;
    let la = -1;
    for (let j = R - 1; j >= 0 && calls[j]! + maxReadNs >= addCall; j--) {
      if (rets[j]! > addCall && !has(j, e)) {
        la = j;
        break;
      }
    }
    const isKnown = knownIdx[e]! < Infinity;
    if (lp >= 0 && la < lp) {
      const lat = la >= 0 ? Math.max(0, calls[la]! - known[e]!) : 0;
      stableLatencies.push(lat);
      const o: ElementOutcome = { ...base, outcome: lat > 0 ? 'stale' : 'stable', visibilityLatencyNs: lat, lastAbsentIndex: readIndex(la), lastPresentIndex: readIndex(lp) };
      if (lat > 0) {
        counts.stale++;
        problems.push(o);
        if (opts.linearizable) anomalies.push({ index: readIndex(la)!, message: `read misses ${show(el)}, known to be added before the read began` });
      } else {
        counts.stable++;
        if (stable.length < max) stable.push(o);
      }
    } else if (isKnown && la >= 0 && s.reads[la]!.rec.invoke.index > knownIdx[e]!) {
      counts.lost++;
      lostLatencies.push(lp >= 0 ? Math.max(0, calls[lp]! - known[e]!) : 0);
      problems.push({ ...base, outcome: 'lost', visibilityLatencyNs: null, lastAbsentIndex: readIndex(la), lastPresentIndex: readIndex(lp) });
      anomalies.push({ index: readIndex(la)!, message: `element ${show(el)} lost: ${add.type === 'ok' ? 'acknowledged' : 'seen'}, then missing from every read from this one on` });
    } else {
      counts['never-read']++;
      problems.push({ ...base, outcome: 'never-read', lastAbsentIndex: readIndex(la), lastPresentIndex: readIndex(lp) });
    }
  }
  const order: Record<string, number> = { lost: 0, unexpected: 1, duplicated: 2, stale: 3, 'never-read': 4, stable: 5 };
  problems.sort((a, b) => order[a.outcome]! - order[b.outcome]!);
  const outcomes = [...problems.slice(0, max), ...stable.slice(0, Math.max(0, max - problems.length))];

  const lost = problems.filter((p) => p.outcome === 'lost').map((p) => p.element);
  const convergence = checkConvergence(s);
  const bad = counts.lost > 0 || counts.unexpected > 0 || counts.duplicated > 0 || (opts.linearizable && counts.stale > 0) || convergence.valid === false;
  // Like Jepsen: with no element ever seen stable there is no evidence either way.
  const valid = bad ? false : counts.stable + counts.stale === 0 ? 'unknown' : true;
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
    visibilityLatencyNs: quantiles(stableLatencies),
    lostLatencyNs: quantiles(lostLatencies),
    elements: outcomes,
    elementsTruncated: outcomes.length < problems.length + counts.stable,
    convergence,
    ...(valid === 'unknown' ? { error: 'no element was ever read stably: nothing to judge' } : {}),
    ...(anomalies.length ? { anomalies: firstAnomalies(anomalies) } : {}),
    reads: R,
  };
}

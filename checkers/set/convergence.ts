// Convergence after healing: the final reads (ops marked `final: true`, else the last read per
// node among reads that began after every add had completed) must all return the same set, and
// that set must include every acknowledged add.

import type { History } from '../../src/history.js';
import type { AnomalyRef, CheckResult } from '../../src/protocols.js';
import { show } from '../op-pairs.js';
import { readSetHistory, type SetHistory } from './set-read.js';

export function checkConvergence(s: SetHistory): CheckResult {
  let finals = s.reads.filter((r) => r.final);
  let how = 'reads marked final';
  if (!finals.length) {
    // Quiescence: after the last add completed (crashed adds never complete: ignore their end).
    let quiet = -Infinity;
    for (const a of s.adds) if (a && a.type !== 'info' && a.retNs !== null) quiet = Math.max(quiet, a.retNs);
    for (const a of s.adds) if (a && a.type === 'info') quiet = Math.max(quiet, a.callNs);
    const after = s.reads.filter((r) => r.rec.callNs > quiet);
    const lastPerNode = new Map<string, SetHistory['reads'][number]>();
    for (const r of after) lastPerNode.set(String(r.rec.invoke.node ?? r.rec.complete?.node ?? `process ${r.rec.process}`), r);
    finals = [...lastPerNode.values()];
    how = 'last read per node after all adds completed';
  }
  if (!finals.length) {
    return { valid: true, checked: false, summary: 'convergence not checked: no final reads (mark them final: true, or read after all adds)' };
  }
  const anomalies: AnomalyRef[] = [];
  // Typed arrays, not Sets: final reads can hold millions of elements each.
  const N = s.elements.length;
  const F = finals.length;
  const marks = finals.map((r) => {
    const m = new Uint8Array(N);
    for (const e of r.ids) m[e] = 1;
    return m;
  });
  const cnt = new Uint16Array(N);
  for (const m of marks) for (let e = 0; e < N; e++) cnt[e]! += m[e]!;
  const disagreeing: unknown[] = [];
  const missing: unknown[] = [];
  let unionSize = 0;
  for (let e = 0; e < N; e++) {
    const c = cnt[e]!;
    if (c > 0) unionSize++;
    if (c > 0 && c < F) disagreeing.push(s.elements[e]);
    if (c < F && s.adds[e]?.type === 'ok') missing.push(s.elements[e]);
  }
  finals.forEach((r, i) => {
    const m = marks[i]!;
    let miss = 0;
    let extra = 0;
    for (let e = 0; e < N; e++) {
      if (m[e]) continue;
      if (s.adds[e]?.type === 'ok') miss++;
      if (cnt[e]! > 0) extra++;
    }
    if (miss || extra) {
      const node = r.rec.invoke.node ?? `process ${r.rec.process}`;
      anomalies.push({ index: r.rec.index, message: `final read on ${node} misses ${miss} acknowledged and ${extra} elements other replicas have` });
    }
  });
  const valid = disagreeing.length === 0 && missing.length === 0;
  return {
    valid,
    checked: true,
    how,
    finalReads: finals.map((r) => ({ index: r.rec.index, node: r.rec.invoke.node ?? null, size: r.ids.length })),
    disagreeing: disagreeing.slice(0, 1000),
    disagreeingCount: disagreeing.length,
    missingAcknowledged: missing.slice(0, 1000),
    missingCount: missing.length,
    summary: valid
      ? `converged: ${finals.length} final reads agree on ${unionSize} elements`
      : `not converged: ${disagreeing.length} elements differ between final reads, ${missing.length} acknowledged adds missing (e.g. ${show(missing[0] ?? disagreeing[0])})`,
    ...(anomalies.length ? { anomalies } : {}),
  };
}

export function checkConvergenceHistory(history: History, addF?: string, readF?: string): CheckResult {
  return checkConvergence(readSetHistory(history, addF, readF));
}

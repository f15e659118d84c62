// Jepsen's simple set checker: the final read (the reads marked final, else the last ok read)
// must contain every acknowledged add (else lost) and nothing never added (unexpected);
// crashed adds that show up are "recovered".

import type { History } from '../../src/history.js';
import type { AnomalyRef, CheckResult } from '../../src/protocols.js';
import { show } from '../op-pairs.js';
import { readSetHistory } from './set-read.js';

export function checkSet(history: History, opts: { addF?: string; readF?: string } = {}): CheckResult {
  const s = readSetHistory(history, opts.addF, opts.readF);
  let finals = s.reads.filter((r) => r.final);
  if (!finals.length && s.reads.length) finals = [s.reads[s.reads.length - 1]!];
  if (!finals.length) return { valid: 'unknown', error: 'no ok read: nothing to check the adds against', summary: 'set: no final read' };
  const anomalies: AnomalyRef[] = [];
  const lost: unknown[] = [];
  const unexpected: unknown[] = [];
  const recovered: unknown[] = [];
  let ok = 0;
  const N = s.elements.length;
  for (const fr of finals) {
    const seen = new Uint8Array(N);
    for (const e of fr.ids) seen[e] = 1;
    for (let e = 0; e < N; e++) {
      const a = s.adds[e];
      if (!seen[e]) {
        if (a?.type !== 'ok') continue;
        lost.push(s.elements[e]);
        if (anomalies.length < 50) anomalies.push({ index: fr.rec.index, message: `acknowledged add of ${show(s.elements[e])} (index ${a.index}) missing from the final read` });
      } else if (!a || a.type === 'fail') {
        unexpected.push(s.elements[e]);
        if (anomalies.length < 50) anomalies.push({ index: fr.rec.index, message: `final read has ${show(s.elements[e])}, which was ${a ? 'added by a failed add' : 'never added'}` });
      } else if (a.type === 'info') recovered.push(s.elements[e]);
    }
  }
  for (const a of s.adds) if (a?.type === 'ok') ok++;
  const valid = lost.length === 0 && unexpected.length === 0;
  return {
    valid,
    summary: `set: ${ok} acknowledged, ${lost.length} lost, ${unexpected.length} unexpected, ${recovered.length} recovered (crashed adds that the final read has)`,
    lost: lost.slice(0, 1000),
    lostCount: lost.length,
    unexpected: unexpected.slice(0, 1000),
    recovered: recovered.slice(0, 1000),
    finalReads: finals.map((r) => r.rec.index),
    ...(anomalies.length ? { anomalies: anomalies.slice(0, 50) } : {}),
  };
}

// The `unique-ids` checker: every acknowledged `generate` returns an id no other generate returned.

import type { History } from '../../src/history.js';
import type { AnomalyRef, CheckResult } from '../../src/protocols.js';
import { clientRecords, firstAnomalies, optStr, show, valueKey, type ValueKey } from '../op-pairs.js';
import { defineChecker, mergingOptions } from '../registry.js';
import { isNumeric } from '../values.js';
import { opt } from '../../src/plugin/options.js';

export function checkUniqueIds(history: History, f = 'generate'): CheckResult {
  const seen = new Map<ValueKey, number>(); // id → first history index
  const dups = new Map<ValueKey, { id: unknown; indices: number[] }>();
  let attempted = 0;
  let acknowledged = 0;
  // Ids are usually integers, often 64-bit ones (bigint past 2^53): compare them exactly.
  let min: number | bigint | undefined;
  let max: number | bigint | undefined;
  for (const r of clientRecords(history)) {
    if (r.f !== f) continue;
    attempted++;
    if (r.type !== 'ok') continue;
    acknowledged++;
    const id = r.complete!.value;
    if (isNumeric(id)) {
      if (min === undefined || id < min) min = id;
      if (max === undefined || id > max) max = id;
    }
    const k = valueKey(id);
    const first = seen.get(k);
    if (first === undefined) seen.set(k, r.index);
    else {
      const d = dups.get(k) ?? { id, indices: [first] };
      d.indices.push(r.index);
      dups.set(k, d);
    }
  }
  const anomalies: AnomalyRef[] = [...dups.values()].map((d) => ({ index: d.indices[1]!, message: `id ${show(d.id)} generated ${d.indices.length} times (first at index ${d.indices[0]})` }));
  const duplicated = [...dups.values()].slice(0, 1000).map((d) => ({ id: d.id, count: d.indices.length, indices: d.indices.slice(0, 10) }));
  return {
    valid: dups.size === 0,
    summary: `unique-ids: ${acknowledged} acknowledged of ${attempted} attempted, ${dups.size} duplicated ids`,
    attempted,
    acknowledged,
    duplicatedCount: dups.size,
    duplicated,
    ...(min !== undefined ? { range: [min, max] } : {}),
    ...(anomalies.length ? { anomalies: firstAnomalies(anomalies) } : {}),
  };
}

defineChecker({
  name: 'unique-ids',
  doc: 'unique id generation: no id returned twice',
  options: { f: opt.string({ default: 'generate', doc: 'the f of the ops that return an id' }) },
  create: mergingOptions('unique-ids', (h, a) => checkUniqueIds(h, optStr(a.f) ?? 'generate')),
  format(r) {
    const d = (r.duplicated as { id: unknown; count: number }[]) ?? [];
    return [String(r.summary ?? ''), ...d.slice(0, 10).map((x) => `  ${show(x.id)} × ${x.count}`)].join('\n');
  },
});

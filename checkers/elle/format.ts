// Terminal rendering of an Elle-style result: the model verdict, anomaly counts, and each kept
// cycle or anomaly written out step by step.

import type { CheckResult, TxnAnomaly } from '../../src/protocols.js';

export function formatElle(r: CheckResult): string {
  const lines: string[] = [];
  const counts = (r.anomalyCounts ?? {}) as Record<string, number>;
  const byType = (r.examples ?? {}) as Record<string, TxnAnomaly[]>;
  const list = (xs: unknown): string => (Array.isArray(xs) && xs.length ? xs.join(', ') : '—');
  lines.push(`consistency model: ${String(r.consistencyModel)}`);
  if (r.summary) lines.push(r.summary);
  const types = Object.keys(counts).sort();
  if (types.length) lines.push(`anomalies: ${types.map((t) => `${t} ×${counts[t]}`).join(', ')}`);
  lines.push(`not: ${list(r.not)}${Array.isArray(r.alsoNot) && r.alsoNot.length ? ` (also not: ${r.alsoNot.join(', ')})` : ''}`);
  lines.push(`strongest possible: ${list(r.strongest)}`);
  if (Array.isArray(r.incomplete) && r.incomplete.length) lines.push(`searches out of budget: ${r.incomplete.join(', ')}`);
  for (const t of types) {
    const xs = byType[t] ?? [];
    for (let i = 0; i < xs.length; i++) {
      lines.push('', `${t} #${i + 1}${counts[t]! > xs.length && i === xs.length - 1 ? ` (of ${counts[t]})` : ''}:`);
      lines.push(...xs[i]!.text.split('\n').map((l) => '  ' + l));
    }
  }
  const s = r.stats as Record<string, number> | undefined;
  if (s) lines.push('', `${s.txns} txns (${s.ok} ok, ${s.info} info, ${s.fail} fail), ${s.keys} keys, ${s.edges} edges; ${s.nontrivialSccs} cyclic components (largest ${s.largestScc})`);
  return lines.join('\n');
}

// Terminal rendering of a linearizability result: the verdict line is printed by the CLI; this
// adds what was checked and, for a violation, the witness text.

import type { CheckResult, LinearizabilityWitness } from '../../src/protocols.js';

export function formatLinearizable(r: CheckResult): string {
  const lines: string[] = [];
  if (typeof r.summary === 'string') lines.push(r.summary);
  const stats = r.stats as { explored?: number; ms?: number; witnessMs?: number } | undefined;
  if (stats) lines.push(`checked ${r.partitions ?? '?'} partition(s), ${stats.explored ?? 0} search steps in ${stats.ms ?? 0} ms${stats.witnessMs !== undefined ? ` (+${stats.witnessMs} ms shrinking the witness)` : ''}`);
  if (r.error) lines.push(String(r.error));
  const w = r.witness as LinearizabilityWitness | undefined;
  if (w) lines.push(w.text);
  return lines.join('\n');
}

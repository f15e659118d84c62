// The `kafka` checker plugin: a Kafka-style log history (send, poll, commit_offsets,
// list_committed_offsets; see ops.ts) judged by analysis.ts. Registered for `faultline check
// --checker kafka` and used by the kafka workload.

import type { CheckResult } from '../../src/protocols.js';
import { optBool, show } from '../op-pairs.js';
import { defineChecker, mergingOptions } from '../registry.js';
import { opt } from '../../src/plugin/options.js';
import { checkKafka } from './analysis.js';

export { checkKafka } from './analysis.js';

const LISTS: Array<[string, string, (x: Record<string, unknown>) => string]> = [
  ['lost', 'lost writes', (x) => `key ${x.key} offset ${x.offset} msg ${show(x.msg)} (send op ${x.send}; ${x.how === 'tail' ? 'final poll' : x.how === 'vanished' ? 'gone from final poll' : 'later offset polled by'} op ${x.evidence})`],
  ['inconsistentOffsets', 'inconsistent offsets', (x) => `key ${x.key} offset ${x.offset}: ${(x.msgs as unknown[]).map((m) => show(m)).join(' vs ')} (ops ${(x.ops as number[]).join(', ')})`],
  ['duplicates', 'duplicates', (x) => `key ${x.key} msg ${show(x.msg)} at offsets ${(x.offsets as number[]).join(', ')}`],
  ['nonmonotonicPolls', 'non-monotonic polls', (x) => `key ${x.key} poll op ${x.poll}: ${x.why}`],
  ['gaps', 'gaps', (x) => `key ${x.key} poll op ${x.poll} skipped ${(x.skipped as number[]).slice(0, 10).join(', ')}`],
  ['nonmonotonicSends', 'non-monotonic sends', (x) => `key ${x.key}: op ${x.later} got offset ${(x.offsets as number[])[1]} after op ${x.earlier} got ${(x.offsets as number[])[0]}`],
  ['committedBackwards', 'committed offsets going backwards', (x) => `key ${x.key}: list op ${x.list} returned ${x.offset ?? 'none'} after op ${x.before} had ${x.beforeOffset}`],
  ['committedUnknown', 'committed offsets nobody committed', (x) => `key ${x.key}: list op ${x.list} returned ${x.offset}`],
  ['abortedReads', 'aborted reads', (x) => `key ${x.key} msg ${show(x.msg)} polled by op ${x.poll}, send op ${x.send} failed`],
  ['phantoms', 'phantom messages', (x) => `key ${x.key} msg ${show(x.msg)} polled by op ${x.poll}, never sent`],
];

export function formatKafka(r: CheckResult): string {
  const lines = [String(r.summary ?? '')];
  for (const [field, title, fmt] of LISTS) {
    const xs = r[field] as Array<Record<string, unknown>> | undefined;
    if (!xs?.length) continue;
    lines.push(`${title}:`);
    for (const x of xs.slice(0, 10)) lines.push(`  ${fmt(x)}`);
    if (xs.length > 10) lines.push(`  … ${xs.length - 10} more in results.json`);
  }
  return lines.join('\n');
}

defineChecker({
  name: 'kafka',
  options: { allowDuplicates: opt.boolean({ default: false, doc: 'true: a message at several offsets is reported but allowed (at-least-once sends)' }) },
  doc: 'Kafka-style log: lost writes, inconsistent offsets, duplicates, non-monotonic polls and sends, gaps, committed offsets going backwards; ack → poll latency',
  create: mergingOptions('kafka', (h, a) => checkKafka(h, { allowDuplicates: optBool(a.allowDuplicates) })),
  format: formatKafka,
});

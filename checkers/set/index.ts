// Set checker plugins: `set` (final read has every acknowledged add), `set-full` (per-element
// stable / stale / lost with visibility latencies, and convergence of final reads) and
// `convergence` (final reads from every node agree and include every acknowledged add).

import type { CheckResult, ElementOutcome } from '../../src/protocols.js';
import { optBool, optNum, optStr, show } from '../op-pairs.js';
import { defineChecker, mergingOptions } from '../registry.js';
import { checkConvergenceHistory } from './convergence.js';
import { checkSet } from './simple-set.js';
import { checkSetFull } from './set-full.js';
import { opt } from '../../src/plugin/options.js';

const addFOption = opt.string({ doc: "the f of adds (default: 'add', or 'broadcast' in Maelstrom's histories)" });
const readFOption = opt.string({ default: 'read', doc: 'the f of reads' });

const ms = (ns: unknown): string => (typeof ns === 'number' ? `${(ns / 1e6).toFixed(1)} ms` : '-');

defineChecker({
  name: 'set',
  options: { addF: addFOption, readF: readFOption },
  doc: 'set: the final read contains every acknowledged add and nothing never added',
  create: mergingOptions('set', (h, a) => checkSet(h, { addF: optStr(a.addF), readF: optStr(a.readF) })),
  format(r) {
    const lines = [String(r.summary ?? '')];
    const lost = r.lost as unknown[] | undefined;
    if (lost?.length) lines.push(`lost: ${lost.slice(0, 50).map((x) => show(x)).join(', ')}${(r.lostCount as number) > 50 ? ', …' : ''}`);
    const unexpected = r.unexpected as unknown[] | undefined;
    if (unexpected?.length) lines.push(`unexpected: ${unexpected.slice(0, 50).map((x) => show(x)).join(', ')}`);
    return lines.join('\n');
  },
});

function formatFull(r: CheckResult): string {
  const lines = [String(r.summary ?? '')];
  const lost = r.lost as unknown[] | undefined;
  if (lost?.length) lines.push(`lost elements (${r.lostCount}): ${lost.slice(0, 50).map((x) => show(x)).join(', ')}${(r.lostCount as number) > 50 ? ', …' : ''}`);
  const els = (r.elements as ElementOutcome[] | undefined) ?? [];
  const odd = els.filter((e) => e.outcome === 'unexpected' || e.outcome === 'duplicated');
  if (odd.length) lines.push(`unexpected/duplicated: ${odd.slice(0, 20).map((e) => `${show(e.element)} (${e.outcome})`).join(', ')}`);
  const q = r.visibilityLatencyNs as Record<string, number> | undefined;
  if (q?.count) lines.push(`visibility latency (ack → always visible): p50 ${ms(q.p50)}, p95 ${ms(q.p95)}, p99 ${ms(q.p99)}, max ${ms(q.max)} over ${q.count} elements`);
  const c = r.convergence as CheckResult | undefined;
  if (c?.summary) lines.push(String(c.summary));
  return lines.join('\n');
}

defineChecker({
  name: 'set-full',
  options: {
    linearizable: opt.boolean({ default: false, doc: 'an element must stay visible from its add on (no stale reads allowed)' }),
    maxElements: opt.number({ integer: true, min: 1, doc: 'elements analysed in detail, at most' }),
    addF: addFOption,
    readF: readFOption,
  },
  doc: 'eventual consistency of a set: per-element stable/stale/lost/never-read, visibility latency, convergence',
  create: mergingOptions('set-full', (h, a) =>
    checkSetFull(h, { linearizable: optBool(a.linearizable), maxElements: optNum(a.maxElements), addF: optStr(a.addF), readF: optStr(a.readF) }),
  ),
  format: formatFull,
});

defineChecker({
  name: 'convergence',
  options: { addF: addFOption, readF: readFOption },
  doc: 'final reads from every node (after healing) agree and include every acknowledged add',
  create: mergingOptions('convergence', (h, a) => checkConvergenceHistory(h, optStr(a.addF), optStr(a.readF))),
  format: (r) => String(r.summary ?? ''),
});

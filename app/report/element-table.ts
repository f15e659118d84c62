// The eventual-consistency element table (set-full): counts per outcome, visibility latency
// quantiles, and one row per element that is not simply stable (lost first), each linked to the
// ops that added it and last saw it present or absent.

import type { ElementOutcome } from '../../src/protocols.js';
import { escapeHtml as h, showValue } from './escape.js';

export function isElementList(x: unknown): x is ElementOutcome[] {
  return Array.isArray(x) && x.length > 0 && x.slice(0, 5).every((e) => e && typeof e === 'object' && 'outcome' in e);
}

const ORDER = ['lost', 'stale', 'never-read', 'unexpected', 'duplicated', 'stable'];
const MAX_ROWS = 1000;

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

const link = (i: unknown) => (typeof i === 'number' ? `<a href="#op-${i}">${i}</a>` : '');
const ms = (ns: number) => (ns / 1e6).toFixed(ns < 1e7 ? 2 : 0);

export function renderElements(elements: ElementOutcome[]): string {
  const counts = new Map<string, number>();
  for (const e of elements) counts.set(e.outcome, (counts.get(e.outcome) ?? 0) + 1);
  const lat = elements.map((e) => e.visibilityLatencyNs).filter((x): x is number => typeof x === 'number').sort((a, b) => a - b);
  const countHtml = [...counts.entries()]
    .sort((a, b) => (ORDER.indexOf(a[0]) + 99) % 99 - (ORDER.indexOf(b[0]) + 99) % 99)
    .map(([o, n]) => `<span class="count ${o === 'stable' ? 'good' : 'bad'}">${h(o)}: ${n}</span>`)
    .join(' ');
  const latHtml = lat.length
    ? `<p>Visibility latency (ack of the add → always present after): p50 ${ms(quantile(lat, 0.5))} ms · p95 ${ms(quantile(lat, 0.95))} ms · p99 ${ms(quantile(lat, 0.99))} ms · max ${ms(lat[lat.length - 1]!)} ms (${lat.length} elements)</p>`
    : '';
  const rank = (o: string) => {
    const r = ORDER.indexOf(o);
    return r < 0 ? ORDER.length : r;
  };
  const shown = [...elements].sort((a, b) => rank(a.outcome) - rank(b.outcome));
  const rows = shown.slice(0, MAX_ROWS).map(
    (e) =>
      `<tr class="${e.outcome === 'stable' ? '' : 'bad-row'}"><td><code>${h(showValue(e.element, 120))}</code></td><td>${h(e.outcome)}</td><td>${link(e.addIndex)}</td><td>${link(e.lastPresentIndex)}</td><td>${link(e.lastAbsentIndex)}</td><td>${typeof e.visibilityLatencyNs === 'number' ? ms(e.visibilityLatencyNs) : ''}</td></tr>`,
  );
  const more = shown.length > MAX_ROWS ? `<p class="muted">${shown.length - MAX_ROWS} more elements not listed (all of them are in results.json).</p>` : '';
  return (
    `<div class="elements"><p>${countHtml}</p>${latHtml}<div class="scroll-y"><table><thead><tr><th>element</th><th>outcome</th><th>added (op)</th><th>last present (op)</th><th>last absent (op)</th><th>visibility ms</th></tr></thead>` +
    `<tbody>${rows.join('')}</tbody></table></div>${more}</div>`
  );
}

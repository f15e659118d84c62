// Per-key offset timelines of the kafka checker (checkers/kafka/timelines.ts): a table per key,
// offsets as columns and the sends and polls that touched them as rows, each cell the message
// that op put or saw there. Offsets where something is wrong are marked and say what on hover.
// Text only: every value is escaped.

import { escapeHtml as h } from './escape.js';

interface Row { index: number; process: number; f: string; final?: boolean; cells: Array<[number, string]> }
interface Timeline { key: string; offsets: number[]; problems: Record<string, string[]>; rows: Row[]; totalOffsets: number; totalRows: number }

export function isOffsetTimelines(x: unknown): x is Timeline[] {
  return Array.isArray(x) && x.length > 0 && x.every((t) => t && typeof t === 'object' && Array.isArray(t.offsets) && Array.isArray(t.rows) && typeof t.problems === 'object');
}

export function renderOffsetTimelines(ts: Timeline[]): string {
  return `<div class="kafka-timelines">${ts.map(renderOne).join('')}</div>`;
}

function renderOne(t: Timeline): string {
  const probs = (o: number): string[] | undefined => t.problems[String(o)];
  const head = t.offsets
    .map((o) => {
      const p = probs(o);
      return p ? `<th class="kt-bad" title="${h(p.join(', '))}">${h(o)}</th>` : `<th>${h(o)}</th>`;
    })
    .join('');
  const rows = t.rows.map((r) => {
    const at = new Map(r.cells.map(([o, m]) => [o, m]));
    const cells = t.offsets
      .map((o) => {
        const m = at.get(o);
        if (m === undefined) return '<td></td>';
        const p = probs(o);
        return p ? `<td class="kt-bad kt-${h(r.f)}" title="${h(p.join(', '))}">${h(m)}</td>` : `<td class="kt-${h(r.f)}">${h(m)}</td>`;
      })
      .join('');
    return `<tr><td><a href="#op-${h(r.index)}">${h(r.index)}</a></td><td>${h(r.process)}</td><td>${h(r.f)}${r.final ? ' (final)' : ''}</td>${cells}</tr>`;
  });
  const marked = Object.entries(t.problems).map(([o, p]) => `${o}: ${p.join(', ')}`);
  const shown = `offsets ${h(t.offsets[0] ?? '-')}–${h(t.offsets[t.offsets.length - 1] ?? '-')} of ${h(t.totalOffsets)}, ${h(t.rows.length)} of ${h(t.totalRows)} ops`;
  return (
    `<div class="kafka-timeline"><h4>Offsets of key ${h(t.key)} <span class="muted">(${shown})</span></h4>` +
    (marked.length ? `<p class="bad">${h(marked.slice(0, 12).join('; '))}${marked.length > 12 ? ' …' : ''}</p>` : '') +
    `<div class="scroll-y scroll-x"><table class="kt"><thead><tr><th>op</th><th>process</th><th>f</th>${head}</tr></thead><tbody>${rows.join('')}</tbody></table></div></div>`
  );
}

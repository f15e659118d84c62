// An internal-consistency (INT) case drawn as the transaction's micro-ops in order: the earlier
// read or own writes of the key that fix what the later read must return, and that later read
// with what it should have returned and what it did. Values reach the page only as escaped text.

import type { InternalCase } from '../../src/protocols.js';
import { jsonText } from '../../checkers/values.js';
import { escapeHtml as h } from './escape.js';

const MAX_ROWS = 40;

/** The case, if the anomaly carries a well-formed one (results.json may come from anywhere). */
export function internalCaseOf(x: unknown): InternalCase | undefined {
  if (!x || typeof x !== 'object') return undefined;
  const c = x as InternalCase;
  if (typeof c.read !== 'number' || !Array.isArray(c.basis) || !c.basis.every((p) => typeof p === 'number')) return undefined;
  return c;
}

/** A key or value as in the history: strings quoted (so "1" and 1 differ), integers exact, nil. */
function shown(v: unknown, max = 300): string {
  if (v === null || v === undefined) return 'nil';
  const s = jsonText(v);
  return s.length > max ? s.slice(0, max - 1) + '…' : s;
}

function mopText(m: unknown): string {
  if (!Array.isArray(m)) return shown(m);
  const [f, k, v] = m as unknown[];
  return `${String(f)} ${shown(k, 80)} ${shown(v, 200)}`;
}

/** The micro-op table of one INT case; `mops` is the transaction (the anomaly's ops[0].value). */
export function renderInternalCase(c: InternalCase, mops: unknown, name: string): string {
  const list = Array.isArray(mops) ? (mops as unknown[]) : [];
  const basis = new Set(c.basis);
  const role = (p: number): string => {
    if (p === c.read) return 'later read';
    if (!basis.has(p)) return '';
    const f = Array.isArray(list[p]) ? (list[p] as unknown[])[0] : undefined;
    return f === 'r' ? 'earlier read' : 'own write since';
  };
  // Long transactions: the involved micro-ops and their neighbours only.
  const involved = [...c.basis, c.read];
  const keep = (p: number): boolean => list.length <= MAX_ROWS || involved.some((q) => Math.abs(q - p) <= 1);
  const rows: string[] = [];
  let gap = false;
  for (let p = 0; p < list.length; p++) {
    if (!keep(p)) {
      if (!gap) rows.push('<tr class="gap"><td></td><td colspan="2" class="muted">…</td></tr>');
      gap = true;
      continue;
    }
    gap = false;
    const r = role(p);
    const cls = p === c.read ? 'int-later' : r ? 'int-earlier' : '';
    rows.push(`<tr${cls ? ` class="${cls}"` : ''}><td>${p + 1}</td><td><code>${h(mopText(list[p]))}</code></td><td>${h(r)}</td></tr>`);
  }
  const expected = c.endsWith ? `a list ending with ${shown(c.expected)}` : shown(c.expected);
  return (
    `<div class="int-case"><p>In <b>${h(name)}</b>, the read of key <code>${h(shown(c.key))}</code> at micro-op ${c.read + 1} ` +
    `should have returned <code class="good">${h(expected)}</code> but returned <code class="bad">${h(shown(c.seen))}</code>, ` +
    `given the transaction's own ${c.basis.length ? `micro-op${c.basis.length > 1 ? 's' : ''} ${h(c.basis.map((p) => p + 1).join(', '))}` : 'earlier micro-ops'}.</p>` +
    `<table class="mops"><thead><tr><th>#</th><th>micro-op</th><th></th></tr></thead><tbody>${rows.join('')}</tbody></table></div>`
  );
}

// Elle-style anomalies: each dependency cycle drawn as a small graph (transactions on a circle,
// edges labelled ww/wr/rw/rt/process) next to its explanation, and the transactions it involves.
// Non-cyclic anomalies (G1a, internal, ...) show their text and ops; an internal (INT) case also
// its transaction's micro-ops with the earlier read or writes and the later read marked.

import type { CycleStep, TxnAnomaly } from '../../src/protocols.js';
import { escapeHtml as h, showValue } from './escape.js';
import { internalCaseOf, renderInternalCase } from './internal-view.js';

export function isTxnAnomaly(x: unknown): x is TxnAnomaly {
  if (!x || typeof x !== 'object') return false;
  const a = x as TxnAnomaly;
  return typeof a.type === 'string' && (Array.isArray(a.steps) || Array.isArray(a.ops)) && (typeof a.text === 'string' || Array.isArray(a.steps));
}

/** TxnAnomaly objects anywhere shallow in a result: `anomalies: {G0: [...]}` or arrays of them. */
export function findTxnAnomalies(r: Record<string, unknown>): TxnAnomaly[] {
  const out: TxnAnomaly[] = [];
  const visit = (x: unknown, depth: number) => {
    if (out.length >= 64 || depth > 3 || !x || typeof x !== 'object') return;
    if (isTxnAnomaly(x)) {
      out.push(x);
      return;
    }
    if (Array.isArray(x)) for (const y of x.slice(0, 64)) visit(y, depth + 1);
    else for (const [k, v] of Object.entries(x)) if (k !== 'results') visit(v, depth + 1);
  };
  for (const key of ['anomalies', 'cycles', 'examples']) visit(r[key], 0);
  return out;
}

const KIND_LABEL: Record<string, string> = { ww: 'ww', wr: 'wr', rw: 'rw', process: 'process', realtime: 'rt' };

function cycleSvg(steps: CycleStep[]): string {
  const nodes: number[] = [];
  for (const s of steps) for (const n of [s.from, s.to]) if (!nodes.includes(n)) nodes.push(n);
  const R = nodes.length <= 2 ? 60 : 50 + nodes.length * 12;
  const size = 2 * R + 120;
  const c = size / 2;
  const pos = new Map(nodes.map((n, i) => {
    const a = -Math.PI / 2 + (2 * Math.PI * i) / nodes.length;
    return [n, { x: c + R * Math.cos(a), y: c + R * Math.sin(a) }];
  }));
  const parts = [`<svg class="cycle" width="${size}" height="${size}" viewBox="0 0 ${size} ${size}" role="img" aria-label="dependency cycle">`];
  parts.push('<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="#555"/></marker></defs>');
  steps.forEach((s, i) => {
    const a = pos.get(s.from)!;
    const b = pos.get(s.to)!;
    const dx = b.x - a.x;
    const dy = b.y - a.y;
    const len = Math.hypot(dx, dy) || 1;
    // Shorten to the node circles and bend a little so two-node cycles show both edges.
    const r = 26;
    const x1 = a.x + (dx * r) / len;
    const y1 = a.y + (dy * r) / len;
    const x2 = b.x - (dx * r) / len;
    const y2 = b.y - (dy * r) / len;
    const mx = (x1 + x2) / 2 - (dy / len) * 24;
    const my = (y1 + y2) / 2 + (dx / len) * 24;
    const kind = KIND_LABEL[s.kind] ?? String(s.kind);
    parts.push(`<path class="edge ${h(kind)}" d="M${x1.toFixed(1)},${y1.toFixed(1)} Q${mx.toFixed(1)},${my.toFixed(1)} ${x2.toFixed(1)},${y2.toFixed(1)}" marker-end="url(#arrow)"><title>${h(`${i + 1}. ${s.explanation ?? ''}`)}</title></path>`);
    parts.push(`<text class="elabel" x="${mx.toFixed(1)}" y="${my.toFixed(1)}">${h(kind)}</text>`);
  });
  nodes.forEach((n, i) => {
    const p = pos.get(n)!;
    parts.push(`<a href="#op-${n}"><g class="tnode"><circle cx="${p.x.toFixed(1)}" cy="${p.y.toFixed(1)}" r="24"/><text x="${p.x.toFixed(1)}" y="${(p.y + 4).toFixed(1)}">T${n}</text><title>op ${n} (node ${i + 1} of the cycle)</title></g></a>`);
  });
  parts.push('</svg>');
  return parts.join('');
}

export function renderTxnAnomaly(a: TxnAnomaly): string {
  const steps = Array.isArray(a.steps) ? a.steps.filter((s) => s && typeof s.from === 'number' && typeof s.to === 'number') : [];
  const names = new Map<number, string>();
  // Transactions are named by their history index (T39 = op 39), as checkers' explanations do.
  for (const s of steps) for (const n of [s.from, s.to]) if (!names.has(n)) names.set(n, `T${n}`);
  const ops = Array.isArray(a.ops) ? a.ops : [];
  for (const o of ops) if (o && typeof o.index === 'number' && !names.has(o.index)) names.set(o.index, `T${o.index}`);
  const stepList = steps.length
    ? `<ol class="steps">${steps.map((s) => `<li><b>${h(names.get(s.from)!)} → ${h(names.get(s.to)!)}</b> <span class="kind">${h(KIND_LABEL[s.kind] ?? s.kind)}</span> ${h(s.explanation ?? '')}</li>`).join('')}</ol>`
    : '';
  const opRows = ops
    .slice(0, 50)
    .map((o) => `<tr><td>${h(names.get(o.index) ?? '')}</td><td><a href="#op-${o.index}">op ${o.index}</a></td><td>${h(String(o.process))}</td><td><code>${h(showValue(o.value, 400))}</code></td></tr>`)
    .join('');
  const int = internalCaseOf(a.internal);
  const intView = int && ops[0] && typeof ops[0].index === 'number' ? renderInternalCase(int, ops[0].value, `T${ops[0].index}`) : '';
  return (
    `<div class="txn-anomaly"><div class="cycle-row">` +
    (steps.length ? cycleSvg(steps) : '') +
    `<div class="cycle-text">${stepList}${intView}${opRows ? `<table class="txns"><thead><tr><th></th><th>op</th><th>process</th><th>transaction</th></tr></thead><tbody>${opRows}</tbody></table>` : ''}` +
    `${a.text ? `<pre class="text">${h(a.text)}</pre>` : ''}</div></div></div>`
  );
}

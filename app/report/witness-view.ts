// The linearizability witness, drawn like Porcupine's visualization: each op a bar on its
// process's line (x is the order of call/return events, so short and long ops stay readable),
// the longest linearizable prefix numbered in linearization order, the op that cannot be placed
// in red, and every op's longest partial linearization listed (hover highlights its bars).

import type { LinearizabilityWitness, WitnessOp } from '../../src/protocols.js';
import { escapeHtml as h, showValue } from './escape.js';

export function isWitness(x: unknown): x is LinearizabilityWitness {
  return !!x && typeof x === 'object' && Array.isArray((x as LinearizabilityWitness).ops);
}

function opLabel(op: WitnessOp): string {
  if (typeof op.label === 'string' && op.label) return op.label;
  return `${op.f} ${showValue(op.value, 40)}${op.output !== undefined && op.output !== null ? ' → ' + showValue(op.output, 40) : ''}`;
}

export function renderWitness(w: LinearizabilityWitness): string {
  const ops = w.ops.filter((o) => o && typeof o.index === 'number').slice(0, 200);
  if (!ops.length) return `<pre class="text">${h(w.text ?? '')}</pre>`;
  const procs = [...new Set(ops.map((o) => String(o.process)))].sort((a, b) => Number(a) - Number(b) || a.localeCompare(b));
  const lane = new Map(procs.map((p, i) => [p, i]));
  // Ordinal time axis: every distinct call/return time gets its own column.
  const times = [...new Set(ops.flatMap((o) => [o.call, o.ret ?? Infinity]))].sort((a, b) => a - b);
  const col = new Map(times.map((t, i) => [t, i]));
  const step = Math.max(36, Math.min(90, Math.floor(1000 / Math.max(1, times.length))));
  const left = 70;
  const laneH = 34;
  const width = left + step * times.length + 20;
  const height = 24 + laneH * procs.length + 10;
  const prefix = Array.isArray(w.prefix) ? w.prefix : [];
  const order = new Map(prefix.map((idx, i) => [idx, i + 1]));
  const parts: string[] = [];
  parts.push(`<svg class="witness" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="linearizability witness">`);
  procs.forEach((p, i) => {
    const y = 24 + i * laneH;
    parts.push(`<text x="4" y="${y + 18}" class="lane">process ${h(p)}</text><line x1="${left}" x2="${width - 10}" y1="${y + laneH - 4}" y2="${y + laneH - 4}" class="laneline"/>`);
  });
  for (const op of ops) {
    const x1 = left + col.get(op.call)! * step + 2;
    const x2 = left + col.get(op.ret ?? Infinity)! * step + step - 4;
    const y = 24 + lane.get(String(op.process))! * laneH + 4;
    const failing = op.index === w.failing;
    const n = order.get(op.index);
    const cls = failing ? 'wbar failing' : n ? 'wbar prefix' : op.type === 'info' || op.ret === null ? 'wbar open' : 'wbar';
    const label = opLabel(op);
    const tip = `op ${op.index}${op.completeIndex !== null && op.completeIndex !== undefined ? `→${op.completeIndex}` : ''} process ${op.process}: ${label} (${op.type})${failing ? ' — cannot be linearized' : n ? ` — #${n} in the linearizable prefix` : ''}`;
    const chain = w.partials && Array.isArray(w.partials[String(op.index)]) ? w.partials[String(op.index)]!.filter((x) => typeof x === 'number').join(',') : '';
    parts.push(
      `<a href="#op-${op.index}"><g class="${cls}" data-idx="${op.index}"${chain ? ` data-chain="${h(chain)}"` : ''}><title>${h(tip)}</title>` +
        `<rect x="${x1}" y="${y}" width="${Math.max(8, x2 - x1)}" height="${laneH - 12}" rx="4"/>` +
        `<text x="${x1 + 4}" y="${y + 15}">${n ? `${n}. ` : failing ? '✗ ' : ''}${h(label.length > 28 ? label.slice(0, 27) + '…' : label)}</text></g></a>`,
    );
  }
  parts.push('</svg>');
  const byIdx = new Map(ops.map((o) => [o.index, o]));
  const name = (idx: number) => {
    const o = byIdx.get(idx);
    return o ? `<a href="#op-${idx}">${h(opLabel(o))}</a>` : `<a href="#op-${idx}">op ${idx}</a>`;
  };
  const failingOp = byIdx.get(w.failing);
  const info: string[] = [];
  info.push(`<p><b>Model:</b> ${h(w.model ?? '?')}${w.key !== undefined ? ` · <b>key</b> ${h(showValue(w.key))}` : ''} · ${ops.length} ops in the smallest non-linearizable subhistory found.</p>`);
  info.push(`<p><b>Cannot be placed:</b> <span class="bad">${failingOp ? h(opLabel(failingOp)) : 'op'}</span> (<a href="#op-${w.failing}">op ${w.failing}</a>, process ${h(failingOp?.process ?? '?')})</p>`);
  info.push(`<p><b>Longest linearizable prefix</b> (${prefix.length} ops): ${prefix.length ? prefix.map((i) => name(i)).join(' → ') : '(empty)'}</p>`);
  if (Array.isArray(w.states) && w.states.length) info.push(`<p><b>States the model can be in after it:</b> ${w.states.slice(0, 20).map((s) => `<code>${h(showValue(s))}</code>`).join(', ')}</p>`);
  const partials = w.partials && typeof w.partials === 'object' ? Object.entries(w.partials) : [];
  let table = '';
  if (partials.length) {
    const rows = partials.slice(0, 100).map(([idx, chain]) => {
      const c = Array.isArray(chain) ? chain.filter((x) => typeof x === 'number') : [];
      return `<tr class="partial-row" data-chain="${h(c.join(','))}"><td>${name(Number(idx))}</td><td>${c.map((i) => name(i)).join(' → ') || '(none)'}</td></tr>`;
    });
    table = `<details class="partials"><summary>Partial linearizations (longest one containing each op; hover to highlight)</summary><table><thead><tr><th>op</th><th>partial linearization</th></tr></thead><tbody>${rows.join('')}</tbody></table></details>`;
  }
  const legend = `<div class="legend"><span><span class="sw prefix"></span>in the linearizable prefix (numbered in order)</span><span><span class="sw failing"></span>cannot be placed</span><span><span class="sw plain"></span>other op</span><span><span class="sw open"></span>crashed / never returned</span></div>`;
  return `<div class="witness-view">${legend}<div class="scroll-x">${parts.join('')}</div>${info.join('')}${table}${w.text ? `<pre class="text">${h(w.text)}</pre>` : ''}</div>`;
}

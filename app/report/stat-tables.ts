// Generic tables for numeric summaries any checker may carry: latency quantile objects
// ({count, p50, p95, p99, max}, in ns) and outcome counts ({count, ok, fail, info}), found by
// shape anywhere shallow in a result (perf's latency by f and by fault window, stats by f).

import { escapeHtml as h } from './escape.js';

type Obj = Record<string, unknown>;

const isObj = (x: unknown): x is Obj => !!x && typeof x === 'object' && !Array.isArray(x);
const isQuantiles = (x: unknown): x is Obj => isObj(x) && typeof x.count === 'number' && typeof x.p50 === 'number' && typeof x.max === 'number';
const isCounts = (x: unknown): x is Obj => isObj(x) && typeof x.count === 'number' && typeof x.ok === 'number' && typeof x.fail === 'number';

/** [path, object] for every matching object, depth-first, at most `max`. */
function collect(r: Obj, test: (x: unknown) => x is Obj, max = 60): Array<[string, Obj]> {
  const out: Array<[string, Obj]> = [];
  const walk = (x: unknown, path: string[], depth: number) => {
    if (out.length >= max || depth > 4 || !isObj(x)) return;
    if (test(x)) {
      out.push([path.join(' · '), x]);
      return;
    }
    for (const [k, v] of Object.entries(x)) if (k !== 'results' && k !== 'elements') walk(v, [...path, k], depth + 1);
  };
  walk(r, [], 0);
  return out;
}

const ms = (ns: unknown) => (typeof ns === 'number' ? (ns / 1e6).toFixed(ns < 1e7 ? 2 : 0) : '');

export function renderStatTables(r: Obj): string {
  const parts: string[] = [];
  const q = collect(r, isQuantiles).filter(([p]) => p !== '');
  if (q.length) {
    parts.push(
      `<table class="stat"><thead><tr><th>latency (ms)</th><th>count</th><th>p50</th><th>p95</th><th>p99</th><th>max</th></tr></thead><tbody>${q
        .map(([p, o]) => `<tr><td>${h(p)}</td><td>${h(o.count)}</td><td>${ms(o.p50)}</td><td>${ms(o.p95)}</td><td>${ms(o.p99)}</td><td>${ms(o.max)}</td></tr>`)
        .join('')}</tbody></table>`,
    );
  }
  const c = collect(r, isCounts);
  if (c.length) {
    parts.push(
      `<table class="stat"><thead><tr><th>ops</th><th>count</th><th>ok</th><th>fail</th><th>info</th></tr></thead><tbody>${c
        .map(([p, o]) => `<tr><td>${h(p || 'all')}</td><td>${h(o.count)}</td><td class="good">${h(o.ok)}</td><td class="${Number(o.fail) ? 'bad' : ''}">${h(o.fail)}</td><td>${h(o.info ?? '')}</td></tr>`)
        .join('')}</tbody></table>`,
    );
  }
  return parts.length ? `<div class="stats-tables">${parts.join('')}</div>` : '';
}

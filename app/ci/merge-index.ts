// The one page of a merged matrix: every cell in matrix order with its verdict and a link to its
// report, the cells no shard reported, and the worst verdict. Self-contained (no scripts).

import { escapeHtml } from '../report/escape.js';
import type { Validity } from '../../src/protocols.js';
import type { Merged } from './manifest.js';
import { verdictWord } from '../commands/verdict.js';

const word = (v: Validity): string => verdictWord(v).toLowerCase();


export function mergeIndexHtml(m: Merged, worst: Validity): string {
  const row = (r: Merged['runs'][number]) => {
    const verdict = r.crash !== undefined ? 'crashed' : word(r.results?.valid ?? 'unknown');
    const link = r.dir !== undefined && r.crash === undefined ? `<a href="${escapeHtml(`${r.dir}/report.html`)}">report</a>` : escapeHtml((r.crash ?? '').split('\n')[0]);
    return `<tr class="${verdict}"><td>${r.index + 1}</td><td>${escapeHtml(r.label)}</td><td>${verdict}</td><td>${r.timeS !== undefined ? r.timeS.toFixed(1) + ' s' : ''}</td><td>${link}</td></tr>`;
  };
  const missing = m.missing.length
    ? `<p class="unknown">${m.missing.length} of ${m.cells} cells were not reported by any shard: ${m.missing.map((i) => i + 1).join(', ')}</p>`
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>faultline matrix: ${word(worst)}</title>
<style>
body{font:14px system-ui,sans-serif;margin:2em}table{border-collapse:collapse}td,th{padding:.25em .8em;border-bottom:1px solid #ddd;text-align:left}
.invalid td:nth-child(3),.crashed td:nth-child(3),p.unknown{color:#b00020}.unknown td:nth-child(3){color:#a66b00}.valid td:nth-child(3){color:#1b7f3b}
</style></head><body>
<h1>faultline matrix: worst verdict ${word(worst)}</h1>
<p>${m.runs.length} of ${m.cells} cells reported.</p>${missing}
<table><thead><tr><th>#</th><th>cell</th><th>verdict</th><th>time</th><th></th></tr></thead><tbody>
${m.runs.map(row).join('\n')}
</tbody></table></body></html>
`;
}

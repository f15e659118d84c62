// renderReport: one self-contained HTML page (no network, works from file://) for a run or a
// check. Verdict first, then what was tested, "jump to the first anomaly", the timeline, latency
// and throughput, each checker's evidence, and the virtualized history. Pure: data in, text out,
// the history streamed in one pass (renderReportTo) so that a huge one is never held twice.

import { createHash } from 'node:crypto';
import type { History, Op } from '../../src/history.js';
import { reportAssets } from './assets.js';
import { checkerResults, collectAnomalies, faultWindowsOf, HistoryEncoder, type ReportInput } from './data.js';
import { escapeHtml as h, inlineScript, inlineStyle, jsonForScript } from './escape.js';
import { renderCheckerSections, renderTestFacts, renderVerdictTable, verdictClass, verdictWord } from './sections.js';
import { renderStorageFaults } from './storage-faults.js';
import { readNetLog, type EmbeddedNet } from './net-data.js';
import { renderNetSection } from './net-view.js';

function sha256(s: string): string {
  return createHash('sha256').update(s, 'utf8').digest('base64');
}

/** The history as the page needs it: its size, last time, nemesis ops, and one pass over every op. */
export interface ReportHistory {
  length: number;
  lastTime: number;
  nemesis: History;
  forEach(each: (op: Op) => void): void;
}

/** A ReportHistory over a history in memory. */
export function historyView(history: History): ReportHistory {
  return {
    length: history.length,
    lastTime: history.length ? history[history.length - 1]!.time : 0,
    nemesis: history.filter((op) => op.process === 'nemesis'),
    forEach: (each) => history.forEach((op) => each(op)),
  };
}

export function renderReport(input: ReportInput): string {
  const parts: string[] = [];
  renderReportTo(input, historyView(input.history), (s) => parts.push(s));
  return parts.join('');
}

/** The page, handed to `write` in pieces; the history's ops are encoded one by one. */
export function renderReportTo(input: Omit<ReportInput, 'history'>, history: ReportHistory, write: (s: string) => void): void {
  const { test, results } = input;
  const assets = reportAssets();
  const anomalies = collectAnomalies(results, history.length);
  const windows = faultWindowsOf(history.nemesis, history.lastTime, test.windows);
  const lastTime = history.lastTime;
  const historyFile = input.historyFile ?? 'history.jsonl';
  const data = {
    windows,
    anomalies: anomalies.slice(0, 10_000),
    concurrency: typeof test.concurrency === 'number' ? test.concurrency : 0,
    historyFile,
    lineOffset: 1,
    checkers: checkerResults(results).map((c) => c.path),
  };
  const v = results.valid;
  const title = `${verdictWord(v).toUpperCase()} — ${test.name ?? test.workload ?? test.source ?? 'faultline run'}`;
  const isCheck = test.kind === 'check';
  const what = [
    isCheck ? `check of ${test.source ?? 'a history'}` : test.db,
    test.workload,
    test.nemesis && test.nemesis.length ? `nemesis ${test.nemesis.join('+')}` : '',
    !isCheck && test.seed !== undefined ? `seed ${test.seed}` : '',
  ]
    .filter(Boolean)
    .join(' · ');
  const first = anomalies[0];
  const jump = first
    ? `<button id="jump-first" class="primary">Jump to the first anomaly</button>${anomalies.length > 1 ? ` <button id="jump-next">Next anomaly</button>` : ''}`
    : `<button id="jump-first" class="primary" disabled>${v === true ? 'No anomalies' : 'No anomaly pointers'}</button>`;
  const windowNames = [...new Map(windows.map((w) => [w.name, w.color])).entries()];
  const windowLegend = windowNames.map(([name, color]) => `<span><span class="sw" style="background:${h(safeColor(color))};opacity:.45"></span>${h(name)}</span>`).join('');
  const links = [
    `<a href="${h(historyFile)}" download>${h(historyFile)}</a>`,
    ...(input.files ?? []).map((f) => `<a href="${h(f)}">${h(f)}</a>`),
    ...(input.logs ?? []).map((f) => `<a href="${h(f)}">${h(f)}</a>`),
  ].join(' ');

  const scripts = [inlineScript(assets.uplotJs), inlineScript(assets.clientJs)];
  // Defense in depth: only our two inline scripts (by hash) may run; no network at all.
  const csp = `default-src 'none'; script-src ${scripts.map((s) => `'sha256-${sha256(s)}'`).join(' ')}; style-src 'unsafe-inline'; img-src data:; connect-src 'none'; base-uri 'none'; form-action 'none'`;

  write(`<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${h(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${h(title)}</title>
<style>${inlineStyle(assets.uplotCss)}</style>
<style>${inlineStyle(assets.clientCss)}</style>
</head><body>
<header class="top ${verdictClass(v)}">
  <h1 id="verdict">${h(verdictWord(v).toUpperCase())}</h1>
  <div class="what">${h(test.name ?? '')}${what ? `<br>${h(what)}` : ''}</div>
  <div class="spacer"></div>
  <div>${jump}<div id="anomaly-msg" class="what">${first ? `${anomalies.length} anomal${anomalies.length === 1 ? 'y' : 'ies'}; first: ${h(first.message)} (op ${first.index})` : ''}</div></div>
</header>
<main>
<div class="grid2">
<section id="tested"><h2>What was tested</h2>${renderTestFacts(test, history.length, lastTime)}<nav class="links">${links}</nav></section>
<section id="verdicts"><h2>Verdict per checker</h2>${renderVerdictTable(results)}${renderAnomalyList(anomalies)}</section>
</div>
<section id="timeline-section"><h2>Timeline</h2>
<div class="tl-bar"><button id="tl-in">Zoom in</button><button id="tl-out">Zoom out</button><button id="tl-reset">Reset</button><span class="muted">wheel to zoom, drag to pan, double-click to reset, click an op to select it</span></div>
<div class="legend"><span><span class="sw ok"></span>ok</span><span><span class="sw fail"></span>fail</span><span><span class="sw info"></span>info (indeterminate)</span><span><span class="sw openop"></span>never completed</span><span><span class="sw" style="background:#7b4fc9"></span>nemesis op</span>${windowLegend}</div>
<div id="timeline-wrap"><canvas id="timeline" height="200"></canvas><div id="tl-tip"></div></div>
</section>
<section id="charts-section"><h2>Latency and throughput</h2><div class="legend">${windowLegend ? `fault windows: ${windowLegend}` : 'no fault windows'}</div><div id="charts" class="charts"><div id="latency"></div><div id="throughput"></div></div></section>
${renderNetSection(results, input.netLog !== undefined)}
<section id="checkers"><h2>Evidence</h2>${renderCheckerSections(results)}</section>
${renderStorageFaults(history.nemesis)}
<section id="history"><h2>History <span class="muted">(${history.length} entries; L = line in ${h(historyFile)})</span></h2>
<div class="tl-bar"><input id="hist-filter" type="search" placeholder="filter: words, or p:3 f:read type:fail node:n1" size="48" aria-label="filter the history"><span id="hist-filter-info" class="muted"></span></div>
<pre id="selected-op" class="text muted">Select an op: click it in the timeline, a history row, or any op link.</pre>
<div class="hrow head"><span>line</span><span>time (s)</span><span>process</span><span>type</span><span>f</span><span>value</span><span>node</span><span>error</span></div>
<div id="hist"><div id="hist-inner"></div></div></section>
</main>
<script type="application/json" id="fl-data">{"ops":[`);
  // The ops first, one at a time; the names they intern follow them.
  const enc = new HistoryEncoder();
  let sep = '';
  // The first anomaly's time: the message diagram's window when the log is too long for a page.
  let focusNs: number | undefined;
  let at = 0;
  history.forEach((op) => {
    if (first && at++ === first.index) focusNs = op.time;
    write(sep + jsonForScript(enc.encode(op)));
    sep = ',';
  });
  write(`],"fs":${jsonForScript(enc.fs)},"nodes":${jsonForScript(enc.nodes)},${jsonForScript(data).slice(1)}</script>
`);
  if (input.netLog !== undefined) write(`<script type="application/json" id="fl-net">${jsonForScript(netData(input.netLog, focusNs))}</script>\n`);
  write(`<script>${scripts[0]}</script>
<script>${scripts[1]}</script>
</body></html>
`);
}

/** The embedded messages, or why there are none (an unreadable log must not cost the report). */
function netData(file: string, focusNs: number | undefined): EmbeddedNet | { error: string } {
  try {
    return readNetLog(file, focusNs);
  } catch (e) {
    return { error: `cannot read ${file}: ${(e as Error).message}` };
  }
}

function safeColor(c: string): string {
  return /^#[0-9a-fA-F]{3,8}$|^[a-zA-Z]{3,20}$/.test(c) ? c : '#999';
}

function renderAnomalyList(anoms: Array<{ index: number; message: string; checker?: string }>): string {
  if (!anoms.length) return '';
  const shown = anoms.slice(0, 100);
  return `<h3 style="margin-top:12px">Anomalies</h3><ol class="anoms">${shown
    .map((a) => `<li><a href="#op-${a.index}">op ${a.index}</a>${a.checker ? ` <span class="muted">${h(a.checker)}</span>` : ''}: ${h(a.message)}</li>`)
    .join('')}</ol>${anoms.length > shown.length ? `<p class="muted">${anoms.length - shown.length} more.</p>` : ''}`;
}

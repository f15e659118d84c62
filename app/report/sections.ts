// Server-side HTML sections of the report: the verdict banner, what was tested, the per-checker
// verdict table, and each checker's evidence (witness, cycles, element table, raw JSON).
// Every interpolated value goes through escapeHtml.

import type { CheckResult, TxnAnomaly, Validity } from '../../src/protocols.js';
import { renderTxnAnomaly, findTxnAnomalies } from './cycle-view.js';
import { checkerResults, type RunTestInfo } from './data.js';
import { isElementList, renderElements } from './element-table.js';
import { isOffsetTimelines, renderOffsetTimelines } from './offset-timeline.js';
import { renderTwoPhase } from './in-doubt-table.js';
import { escapeHtml as h, showValue } from './escape.js';
import { stringifyJson } from '../../src/json.js';
import { renderStatTables } from './stat-tables.js';
import { isWitness, renderWitness } from './witness-view.js';

export function verdictWord(v: Validity | undefined): string {
  return v === true ? 'valid' : v === false ? 'invalid' : 'unknown';
}

export function verdictClass(v: Validity | undefined): string {
  return v === true ? 'good' : v === false ? 'bad' : 'unk';
}

export function badge(v: Validity | undefined): string {
  return `<span class="badge ${verdictClass(v)}">${verdictWord(v)}</span>`;
}

function fmtDuration(ns: number): string {
  const s = ns / 1e9;
  return s < 120 ? `${s.toFixed(1)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

/** The "what was tested" facts, as rows. */
export function renderTestFacts(test: RunTestInfo, historyLength: number, lastTimeNs: number): string {
  const rows: Array<[string, string]> = [];
  const add = (k: string, v: unknown) => {
    if (v === undefined || v === null || v === '' || (Array.isArray(v) && !v.length)) return;
    rows.push([k, h(Array.isArray(v) ? v.join(', ') : typeof v === 'object' ? showValue(v, 400) : String(v))]);
  };
  add('kind', test.kind);
  if (test.interrupted) rows.push(['interrupted', '<span class="bad">yes: the run was stopped early; the history is incomplete</span>']);
  add('source', test.source);
  add('checker', test.checker);
  add('model', test.model);
  add('db', test.kind === 'check' && test.db === 'none' ? undefined : test.db);
  add('workload', test.workload);
  add('nemeses', test.nemesis && test.nemesis.length ? test.nemesis : test.kind === 'check' ? undefined : ['none']);
  add('nodes', test.nodes);
  // A checked file has no run parameters: skip the placeholders `check` fills in.
  const run = test.kind !== 'check';
  add('concurrency', run ? test.concurrency : undefined);
  add('rate', run && test.rate !== undefined ? `${test.rate} ops/s` : undefined);
  add('seed', run ? test.seed : undefined);
  add('bug', test.bug);
  if (test.dbOptions && Object.keys(test.dbOptions).length) add('db options', Object.entries(test.dbOptions).map(([k, v]) => `${k}=${v}`));
  if (test.workloadOptions && Object.keys(test.workloadOptions).length) add('workload options', Object.entries(test.workloadOptions).map(([k, v]) => `${k}=${v}`));
  if (test.nemesisOptions && Object.keys(test.nemesisOptions).length) add('nemesis options', Object.entries(test.nemesisOptions).map(([k, v]) => `${k}=${v}`));
  add('started', test.startedAt);
  add('finished', test.finishedAt);
  add('duration', fmtDuration(typeof test.durationNs === 'number' ? test.durationNs : lastTimeNs));
  add('operations', `${historyLength} history entries`);
  if (test.versions && typeof test.versions === 'object') add('versions', Object.entries(test.versions).map(([k, v]) => `${k} ${v}`));
  return `<table class="facts">${rows.map(([k, v]) => `<tr><th>${h(k)}</th><td>${v}</td></tr>`).join('')}</table>`;
}

function slug(path: string): string {
  return 'checker-' + path.replace(/[^A-Za-z0-9_-]+/g, '_');
}

function summaryOf(r: CheckResult): string {
  if (typeof r.summary === 'string') return r.summary;
  if (typeof r.error === 'string') return r.error.split('\n')[0]!;
  if (Array.isArray(r.anomalies) && r.anomalies.length) return `${r.anomalies.length} anomal${r.anomalies.length === 1 ? 'y' : 'ies'}`;
  if (Array.isArray(r.anomalyTypes)) return (r.anomalyTypes as unknown[]).map(String).join(', ');
  return '';
}

/** One row per checker: verdict, summary, link to its evidence. */
export function renderVerdictTable(results: CheckResult): string {
  const rows = checkerResults(results).map(({ path, result }) => {
    const n = Array.isArray(result.anomalies) ? result.anomalies.length : 0;
    return `<tr class="${verdictClass(result.valid)}-row"><td><a href="#${slug(path)}">${h(path)}</a></td><td>${badge(result.valid)}</td><td>${h(summaryOf(result))}</td><td>${n || ''}</td></tr>`;
  });
  return `<table class="verdicts"><thead><tr><th>checker</th><th>verdict</th><th>summary</th><th>anomalies</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

const MAX_JSON = 200_000;

function rawJson(r: unknown): string {
  let s: string;
  try {
    s = stringifyJson(r, 2);
  } catch (e) {
    s = `(cannot show: ${(e as Error).message})`;
  }
  const cut = s.length > MAX_JSON ? s.slice(0, MAX_JSON) + `\n… (${s.length - MAX_JSON} more characters in results.json)` : s;
  return `<details class="raw"><summary>Raw result (JSON)</summary><pre>${h(cut)}</pre></details>`;
}

/** The evidence a result carries, searched in it and (for composed/per-key results) its sub-results. */
function evidence(r: CheckResult, depth: number, budget: { n: number }): string {
  const out: string[] = [];
  if (typeof r.error === 'string') out.push(`<pre class="text error">${h(r.error)}</pre>`);
  const witnesses = [r.witness, ...(Array.isArray(r.witnesses) ? r.witnesses : [])].filter(isWitness);
  for (const w of witnesses.slice(0, 3)) if (budget.n-- > 0) out.push(renderWitness(w));
  if (!witnesses.length && typeof r.text === 'string') out.push(`<pre class="text">${h(r.text)}</pre>`);
  out.push(renderTxnGroups(findTxnAnomalies(r), r.anomalyCounts, budget));
  for (const key of ['elements', 'outcomes']) if (isElementList(r[key])) out.push(renderElements(r[key] as never));
  if (isOffsetTimelines(r.offsetTimelines)) out.push(renderOffsetTimelines(r.offsetTimelines));
  out.push(renderTwoPhase(r));
  out.push(renderStatTables(r));
  if (depth < 3 && r.results && typeof r.results === 'object') {
    // Per-key sub-results: show the failing ones (a run may have thousands of valid keys).
    const subs = Object.entries(r.results).filter(([, s]) => s && typeof s === 'object' && s.valid !== true);
    for (const [k, s] of subs.slice(0, 10)) {
      const inner = evidence(s, depth + 1, budget);
      out.push(`<div class="sub"><h4>${h(k)} ${badge(s.valid)} <span class="muted">${h(summaryOf(s))}</span></h4>${inner}</div>`);
    }
    if (subs.length > 10) out.push(`<p class="muted">${subs.length - 10} more failing sub-results in the raw result.</p>`);
  }
  return out.join('');
}

/** Transactional anomalies grouped by type: the first two of each type shown, the rest folded. */
function renderTxnGroups(txn: TxnAnomaly[], counts: unknown, budget: { n: number }): string {
  if (!txn.length) return '';
  const byType = new Map<string, TxnAnomaly[]>();
  for (const a of txn) byType.set(a.type, [...(byType.get(a.type) ?? []), a]);
  const total = (t: string) => (counts && typeof counts === 'object' && typeof (counts as Record<string, unknown>)[t] === 'number' ? ((counts as Record<string, number>)[t] ?? 0) : byType.get(t)!.length);
  const parts: string[] = [];
  for (const [type, list] of byType) {
    const shown = list.filter(() => budget.n-- > 0);
    const open = shown.slice(0, 2).map(renderTxnAnomaly).join('');
    const folded = shown.slice(2);
    const more = folded.length ? `<details class="more"><summary>${folded.length} more ${h(type)} example${folded.length > 1 ? 's' : ''}</summary>${folded.map(renderTxnAnomaly).join('')}</details>` : '';
    const n = total(type);
    parts.push(`<div class="txn-group"><h4 class="txn-type"><span class="badge bad">${h(type)}</span> ${n} found${n > shown.length ? `, ${shown.length} explained` : ''}</h4>${open}${more}</div>`);
  }
  return parts.join('');
}

export function renderCheckerSections(results: CheckResult): string {
  return checkerResults(results)
    .map(({ path, result }) => {
      const budget = { n: 40 };
      const body = evidence(result, 0, budget);
      return `<section class="checker" id="${slug(path)}"><h3>${h(path)} ${badge(result.valid)}</h3>${summaryOf(result) ? `<p>${h(summaryOf(result))}</p>` : ''}${body}${rawJson(result)}</section>`;
    })
    .join('');
}

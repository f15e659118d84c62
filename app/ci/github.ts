// GitHub Actions output: when GITHUB_ACTIONS is set, a Markdown table of verdicts appended to
// $GITHUB_STEP_SUMMARY and one `::error` (invalid) or `::warning` (unknown) annotation per
// failing checker, escaped per GitHub's workflow-command rules.

import { appendFileSync } from 'node:fs';
import { isAbsolute, relative, sep } from 'node:path';
import type { Validity } from '../../src/protocols.js';
import { ioError } from '../../src/errors.js';
import { escapeControl } from '../../src/terminal.js';
import type { FailOn } from './gate.js';
import { runCases, runClassName, type CiRun } from './junit.js';

/** Escape a workflow command's message (data). */
export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escape a workflow command property value (title=..., file=...). */
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** Escape text for a Markdown table cell (no HTML, no pipes, one line). */
export function escapeMarkdownCell(s: string): string {
  return s
    .replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]!)
    .replace(/([\\|`*_[\]])/g, '\\$1')
    .replace(/\r?\n/g, ' ');
}

const ICON: Record<string, string> = { true: '✅ valid', false: '❌ invalid', unknown: '⚠️ unknown' };

export function verdictLabel(v: Validity | undefined): string {
  return ICON[String(v)] ?? ICON.unknown!;
}

/** The step summary: one row per run × checker. */
export function githubSummary(runs: CiRun[], title = 'faultline results'): string {
  const rows: string[] = [];
  for (const run of runs) {
    const cls = escapeMarkdownCell(runClassName(run.test));
    const seed = run.test.seed !== undefined ? String(run.test.seed) : '';
    const report = run.dir ? escapeMarkdownCell(`${run.dir}/report.html`) : '';
    if (run.crash !== undefined || !run.results) {
      rows.push(`| ${cls} | ${seed} | run | 💥 crashed | ${escapeMarkdownCell((run.crash ?? '').split('\n')[0] ?? '')} | ${report} |`);
      continue;
    }
    const entries = run.results.results && typeof run.results.results === 'object' ? Object.entries(run.results.results) : [['checker', run.results] as const];
    for (const [name, r] of entries) {
      const summary = typeof r.summary === 'string' ? r.summary : typeof r.error === 'string' ? r.error.split('\n')[0]! : '';
      rows.push(`| ${cls} | ${seed} | ${escapeMarkdownCell(name)} | ${verdictLabel(r.valid)} | ${escapeMarkdownCell(summary)} | ${report} |`);
    }
  }
  return `## ${escapeMarkdownCell(title)}\n\n| db.workload.nemesis | seed | checker | verdict | summary | report |\n|---|---|---|---|---|---|\n${rows.join('\n')}\n\n`;
}

/** The annotation lines for failing checkers and crashed runs. */
/**
 * For a checked JSON Lines history inside the workspace, point the annotation at the line of the
 * first anomaly (line = index + 1), so GitHub shows it on the file itself.
 */
function fileProperties(run: CiRun, index: number | undefined, cwd: string): string {
  const src = run.test.source;
  if (run.test.kind !== 'check' || typeof src !== 'string' || !src.endsWith('.jsonl') || index === undefined) return '';
  const rel = relative(cwd, src).split(sep).join('/');
  if (rel.startsWith('..') || isAbsolute(rel)) return '';
  return `file=${escapeProperty(rel)},line=${index + 1},`;
}

export function githubAnnotations(runs: CiRun[], failOn: FailOn = 'unknown', cwd = process.cwd()): string[] {
  const out: string[] = [];
  for (const run of runs) {
    for (const c of runCases(run)) {
      if (c.status === 'passed') continue;
      // Unknown verdicts fail the build under --fail-on unknown (the default): an error then.
      const level = c.status === 'failure' || run.crash !== undefined || failOn === 'unknown' ? 'error' : 'warning';
      const title = `faultline ${c.classname} ${c.name}`;
      out.push(`::${level} ${fileProperties(run, c.firstIndex, cwd)}title=${escapeProperty(title)}::${escapeData(`${c.message}${c.details ? '\n' + c.details : ''}`)}`);
    }
  }
  return out;
}

/**
 * If running under GitHub Actions (GITHUB_ACTIONS=true), append the summary to
 * $GITHUB_STEP_SUMMARY and print the annotations to stdout. Returns whether it did anything.
 */
export function emitGithub(
  runs: CiRun[],
  env: NodeJS.ProcessEnv = process.env,
  out: (line: string) => void = (l) => process.stdout.write(escapeControl(l) + '\n'),
  failOn: FailOn = 'unknown',
): boolean {
  if (!env.GITHUB_ACTIONS) return false;
  if (env.GITHUB_STEP_SUMMARY) {
    try {
      appendFileSync(env.GITHUB_STEP_SUMMARY, githubSummary(runs));
    } catch (e) {
      throw ioError(`append to the step summary ${env.GITHUB_STEP_SUMMARY}`, e, 'GITHUB_STEP_SUMMARY');
    }
  }
  for (const line of githubAnnotations(runs, failOn)) out(line);
  return true;
}

// JUnit XML for CI systems: one testcase per workload × nemesis × checker of each run; an invalid
// verdict is a <failure>, an unknown verdict or a crashed run an <error>. Every string is escaped
// for XML and stripped of characters XML 1.0 cannot hold (histories may contain anything).

import { basename, dirname } from 'node:path';
import { ensureDir, writeFileSafe } from '../../src/fs-safe.js';
import type { CheckResult, TestInfo } from '../../src/protocols.js';

export interface CiRun {
  test: Partial<TestInfo> & { name?: string };
  results?: CheckResult;
  /** The run's directory (its report is linked from the failure text). */
  dir?: string;
  /** The run crashed before a verdict: this is why. */
  crash?: string;
  /** Wall time of the run, seconds. */
  timeS?: number;
}

/** Escape for XML text and attribute values, dropping characters XML 1.0 forbids. */
export function escapeXml(s: unknown): string {
  return String(s)
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '\uFFFD')
    .replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** "db.workload.nemesis" — the class name a CI UI groups testcases by. */
export function runClassName(test: CiRun['test']): string {
  // `faultline check FILE`: no db or nemesis; the checked file names the case.
  if (test.kind === 'check') return `check.${typeof test.source === 'string' ? basename(test.source).replace(/\./g, '_') : String(test.workload ?? 'history')}`;
  const nem = test.nemesis && test.nemesis.length ? test.nemesis.join('+') : 'none';
  return [test.db ?? 'history', test.workload ?? 'check', nem].map((s) => String(s).replace(/\./g, '_')).join('.');
}

export interface CiCase {
  classname: string;
  name: string;
  status: 'passed' | 'failure' | 'error';
  message: string;
  details: string;
  /** History index of the checker's first anomaly, if it gave one. */
  firstIndex?: number;
}

/** The testcases of one run: one per checker, or one error case for a crash. */
export function runCases(run: CiRun): CiCase[] {
  const classname = runClassName(run.test);
  const seed = run.test.seed !== undefined && run.test.kind !== 'check' ? ` [seed ${run.test.seed}]` : '';
  const where = run.dir ? `\nreport: ${run.dir}/report.html` : '';
  if (run.crash !== undefined || !run.results) {
    return [{ classname, name: `run${seed}`, status: 'error', message: `crashed: ${firstLine(run.crash ?? 'no result')}`, details: `${run.crash ?? 'no result'}${where}` }];
  }
  const entries = run.results.results && typeof run.results.results === 'object' ? Object.entries(run.results.results) : [['checker', run.results] as const];
  return entries.map(([name, r]) => {
    const summary = typeof r.summary === 'string' ? r.summary : typeof r.error === 'string' ? r.error : '';
    const anomalies = Array.isArray(r.anomalies) ? r.anomalies.slice(0, 10).map((a) => `op ${a.index}: ${a.message}`).join('\n') : '';
    const details = [summary, anomalies, where.trim()].filter(Boolean).join('\n');
    if (r.valid === true) return { classname, name: `${name}${seed}`, status: 'passed', message: '', details: '' };
    const first = Array.isArray(r.anomalies) && typeof r.anomalies[0]?.index === 'number' ? { firstIndex: r.anomalies[0].index } : {};
    if (r.valid === false) return { classname, name: `${name}${seed}`, status: 'failure', message: `invalid: ${firstLine(summary || 'anomalies found')}`, details, ...first };
    return { classname, name: `${name}${seed}`, status: 'error', message: `unknown: ${firstLine(summary || 'no verdict')}`, details };
  });
}

function firstLine(s: string): string {
  const l = s.split('\n')[0] ?? '';
  return l.length > 300 ? l.slice(0, 299) + '…' : l;
}

export function junitXml(runs: CiRun[]): string {
  const suites: string[] = [];
  let total = 0, failures = 0, errors = 0;
  for (const run of runs) {
    const cases = runCases(run);
    const f = cases.filter((c) => c.status === 'failure').length;
    const e = cases.filter((c) => c.status === 'error').length;
    total += cases.length;
    failures += f;
    errors += e;
    const name = run.test.name ?? runClassName(run.test);
    const body = cases
      .map((c) => {
        const open = `    <testcase classname="${escapeXml(c.classname)}" name="${escapeXml(c.name)}"${run.timeS !== undefined ? ` time="${run.timeS.toFixed(3)}"` : ''}`;
        if (c.status === 'passed') return `${open}/>`;
        return `${open}>\n      <${c.status} message="${escapeXml(c.message)}" type="${c.status === 'failure' ? 'invalid' : 'unknown'}">${escapeXml(c.details)}</${c.status}>\n    </testcase>`;
      })
      .join('\n');
    suites.push(`  <testsuite name="${escapeXml(name)}" tests="${cases.length}" failures="${f}" errors="${e}"${run.test.startedAt ? ` timestamp="${escapeXml(run.test.startedAt)}"` : ''}>\n${body}\n  </testsuite>`);
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="faultline" tests="${total}" failures="${failures}" errors="${errors}">\n${suites.join('\n')}\n</testsuites>\n`;
}

/** Write the JUnit file (creating its directory); errors are FaultlineError('IO') naming --junit. */
export function writeJunit(file: string, runs: CiRun[]): void {
  ensureDir(dirname(file), '--junit');
  writeFileSafe(file, junitXml(runs), '--junit');
}

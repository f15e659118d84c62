// Printing a verdict for the terminal (exit codes are decided in app/ci/gate.ts).

import type { CheckResult, Validity } from '../../src/protocols.js';

export function verdictWord(valid: Validity): string {
  return valid === true ? 'VALID' : valid === false ? 'INVALID' : 'UNKNOWN';
}

/** One run of a matrix, for the terminal: `[i/n] VERDICT label  report-or-crash` (test-all, merge). */
export function cellLine(run: { crash?: string; results?: CheckResult; dir?: string }, i: number, n: number, label: string): string {
  const v = run.crash !== undefined ? 'CRASHED' : verdictWord(run.results?.valid ?? 'unknown').padEnd(7);
  const where = run.crash !== undefined ? run.crash.split('\n')[0] : `${run.dir}/report.html`;
  return `[${i}/${n}] ${v} ${label}  ${where}`;
}

/** One line per checker (nested results indented), for the terminal. */
export function summarize(result: CheckResult, name = 'verdict', depth = 0): string[] {
  const pad = '  '.repeat(depth);
  const why = result.summary ?? result.error ?? '';
  const lines = [`${pad}${name}: ${verdictWord(result.valid)}${why ? ` — ${why}` : ''}`];
  for (const [k, r] of Object.entries(result.results ?? {})) lines.push(...summarize(r, k, depth + 1));
  return lines;
}

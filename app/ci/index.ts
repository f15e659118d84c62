// One call for the CLI after a run or check: write JUnit if asked, emit GitHub Actions output if
// running there, and return the exit code under --fail-on.

import { worst, type Validity } from '../../src/protocols.js';
import { exitCodeFor, gateWarning, type FailOn } from './gate.js';
import { emitGithub } from './github.js';
import { writeJunit, type CiRun } from './junit.js';

export { exitCodeFor, parseFailOn, verdictExitCode, type FailOn } from './gate.js';
export { writeJunit, junitXml, type CiRun } from './junit.js';
export { emitGithub, githubSummary, githubAnnotations } from './github.js';

export interface CiOptions {
  junit?: string;
  failOn?: FailOn;
  env?: NodeJS.ProcessEnv;
  warn?: (msg: string) => void;
}

/** The worst verdict over runs; a crashed run counts as unknown. */
export function overallValidity(runs: CiRun[]): Validity {
  return worst(...runs.map((r) => (r.crash !== undefined || !r.results ? 'unknown' : r.results.valid)));
}

/** Write CI outputs for these runs and return the process exit code (0/1/2). */
export function reportCi(runs: CiRun[], opts: CiOptions = {}): number {
  if (opts.junit) writeJunit(opts.junit, runs);
  const failOn = opts.failOn ?? 'unknown';
  emitGithub(runs, opts.env ?? process.env, undefined, failOn);
  const v = overallValidity(runs);
  const w = gateWarning(v, failOn);
  if (w) (opts.warn ?? ((m) => process.stderr.write(`faultline: warning: ${m}\n`)))(w);
  return exitCodeFor(v, failOn);
}

// The one place CI outputs are written, after a run, a check or a matrix: JUnit if asked, GitHub
// Actions output if running there, the --fail-on warning; returns the verdict's exit code
// (mapped in src/errors.ts). Output targets are checked before any work with `checkCiTargets`.

import { worst, type Validity } from '../../src/protocols.js';
import { exitCodeForVerdict } from '../../src/errors.js';
import { checkWritableFile } from '../../src/fs-safe.js';
import { escapeControl } from '../../src/terminal.js';
import { gateWarning, type FailOn } from './gate.js';
import { emitGithub } from './github.js';
import { writeJunit, type CiRun } from './junit.js';

export { parseFailOn, type FailOn } from './gate.js';
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

/** Before a run or check starts: the JUnit file must be writable (not a directory, not read-only). */
export function checkCiTargets(opts: CiOptions): void {
  if (opts.junit) checkWritableFile(opts.junit, '--junit');
}

/**
 * Write CI outputs for these runs and return the exit code of their worst verdict (0/1/2 under
 * --fail-on). A write that fails throws FaultlineError('IO') naming the option.
 */
export function reportCi(runs: CiRun[], opts: CiOptions = {}): number {
  const failOn = opts.failOn ?? 'unknown';
  emitGithub(runs, opts.env ?? process.env, undefined, failOn);
  if (opts.junit) writeJunit(opts.junit, runs);
  const v = overallValidity(runs);
  const w = gateWarning(v, failOn);
  if (w) (opts.warn ?? ((m) => process.stderr.write(escapeControl(`faultline: warning: ${m}`) + '\n')))(w);
  return exitCodeForVerdict(v, failOn);
}

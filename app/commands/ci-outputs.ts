// CI outputs shared by run and check: a JUnit file when asked, and GitHub Actions annotations
// and a step summary when running inside GitHub Actions (implemented in app/ci/).

import { emitGithub } from '../ci/github.js';
import { writeJunit, type CiRun } from '../ci/junit.js';
import { gateWarning, type FailOn } from '../ci/gate.js';

export function emitCiOutputs(o: { junit?: string; runs: CiRun[]; failOn: FailOn }): void {
  if (o.junit) writeJunit(o.junit, o.runs);
  emitGithub(o.runs, process.env, undefined, o.failOn);
  for (const r of o.runs) {
    const w = r.results ? gateWarning(r.results.valid, o.failOn) : undefined;
    if (w) process.stderr.write(`faultline: ${w}\n`);
  }
}

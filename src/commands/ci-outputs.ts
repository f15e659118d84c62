// CI outputs shared by run, check and test-all: a JUnit file when asked, and GitHub Actions
// annotations and a step summary when running inside GitHub Actions (implemented in src/ci/).

import type { CheckResult, TestInfo } from '../protocols.js';
import { emitGithub } from '../ci/github.js';
import { writeJunit } from '../ci/junit.js';
import type { FailOn } from '../ci/gate.js';

export interface CiRun {
  test: TestInfo;
  results: CheckResult;
  dir?: string;
  crash?: string;
}

export async function emitCiOutputs(o: { junit?: string; runs: CiRun[]; failOn?: FailOn }): Promise<void> {
  if (o.junit) writeJunit(o.junit, o.runs);
  emitGithub(o.runs, process.env, undefined, o.failOn ?? 'unknown');
}

// Running a test, the public entry: `runTest(options)` prepares (validates options and builds the
// plugins: src/run/plan.ts over src/plugin/plan.ts), then executes the plan (src/run/lifecycle.ts: setup → workload →
// heal → final → teardown → check → store, with client workers from src/run/workers.ts).
// Signals are owned by src/signals.ts; a run subscribes to stop cleanly.

import { prepareRun, type RunOptions } from './run/plan.js';
import { executePlan, type RunOutcome } from './run/lifecycle.js';

export type { RunOptions, RunPlan } from './run/plan.js';
export type { RunOutcome } from './run/lifecycle.js';
export { prepareRun } from './run/plan.js';
export { executePlan } from './run/lifecycle.js';

/**
 * Runs one test end to end. Throws FaultlineError for options refused before anything started;
 * RunFailedError (with the run directory) when the run failed after it started; returns the
 * outcome otherwise, including an interrupted run or one stopped because its history could not
 * be written (verdict `unknown`). SIGINT, SIGTERM or SIGHUP during the run (or `options.signal`)
 * stop it cleanly and it returns `interrupted: true`: whether to exit is the caller's choice.
 */
export function runTest(o: RunOptions): Promise<RunOutcome> {
  return executePlan(prepareRun(o));
}

/** The same, under the name of the package API. */
export const run = runTest;

// Preparing a run: the plugin plan (src/plugin/plan.ts: names, options, capabilities, plugins
// built) plus the run's own settings (rate, time limit, seed, run id) and test.json as known
// before the start. Everything is checked before anything starts, so a refused run leaves nothing
// behind; `test-all` prepares every cell this way before the first one runs.

import { randomBytes } from 'node:crypto';
import { FaultlineError } from '../errors.js';
import type { TestInfo } from '../protocols.js';
import { faultlineVersion } from '../version.js';
import { planRun, type Plan, type PlanInput } from '../plugin/plan.js';

export interface RunOptions extends PlanInput {
  /** Client ops per second, in total. */
  rate?: number;
  timeLimitS?: number;
  seed?: number;
  /** Seconds to wait after healing, before the final phase (`--recovery-wait`; default: the workload's, else 3). */
  quiesceS?: number;
  opTimeoutMs?: number;
  /** Checker budget. */
  checkTimeLimitMs?: number;
  /**
   * Required fraction of ok client ops (Maelstrom's --availability; 1 = every op). Recorded in
   * test.json, where the stats checker reads it: below it the run is invalid. Without it, a
   * function that never succeeded makes the verdict unknown, not invalid.
   */
  availability?: number;
  out?: string;
  quiet?: boolean;
  /** Aborts the run like Ctrl-C (tests, embedding programs). */
  signal?: AbortSignal;
  /**
   * Called once the run's files are stored (e.g. to write report.html: the application does it,
   * the core does not know reports). Failures are printed as warnings.
   */
  afterStore?: (dir: string) => Promise<unknown>;
}

/** A run ready to execute: the plugin plan and every derived setting. */
export interface RunPlan extends Plan {
  options: RunOptions;
  seed: number;
  timeLimitS: number;
  rate: number;
  runId: string;
  /** `db-workload`: the results folder of the run. */
  name: string;
  /** test.json as known before the run starts. */
  info: TestInfo;
}

function positive(v: number | undefined, flag: string): void {
  if (v !== undefined && !(Number.isFinite(v) && v > 0)) throw new FaultlineError('BAD_ARGUMENT', `expected a positive number, got ${v}`, flag);
}

/** Options as test.json records them: what the user wrote, as text. */
function stringValues(o: Record<string, unknown> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(o ?? {}).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
}

/** Validates the options and builds the plugins; throws FaultlineError naming the option. Starts nothing. */
export function prepareRun(o: RunOptions): RunPlan {
  positive(o.rate, '--rate');
  positive(o.timeLimitS, '--time-limit');
  if (o.availability !== undefined && !(o.availability >= 0 && o.availability <= 1)) throw new FaultlineError('BAD_ARGUMENT', `expected a fraction between 0 and 1, got ${o.availability}`, '--availability');
  const plan = planRun(o);
  const seed = o.seed ?? randomBytes(4).readUInt32LE(0);
  const timeLimitS = o.timeLimitS ?? 30;
  // 1,000 ops/s: the built-in cluster serves that on two cores; 100 left ten threads mostly idle.
  const rate = o.rate ?? 1000;
  const runId = `fl-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  const name = `${plan.dbName}-${o.workload}`;
  const info: TestInfo = {
    name,
    db: plan.dbName,
    workload: o.workload,
    nemesis: plan.faults,
    nodes: plan.nodes,
    concurrency: plan.concurrency,
    seed,
    timeLimitS,
    rate,
    ...(o.bug ? { bug: o.bug } : {}),
    ...(o.bin ? { bin: o.bin } : {}),
    ...(o.availability !== undefined ? { availability: o.availability } : {}),
    dbOptions: stringValues(o.dbOptions),
    workloadOptions: stringValues(plan.workloadOptions),
    ...(Object.keys(plan.nemesisOptions).length ? { nemesisOptions: stringValues(plan.nemesisOptions) } : {}),
    startedAt: new Date().toISOString(),
    versions: { faultline: faultlineVersion(), node: process.version },
    kind: 'run',
    runId,
  };
  return { ...plan, options: o, seed, timeLimitS, rate, runId, name, info };
}

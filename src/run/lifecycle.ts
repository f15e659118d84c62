// The run lifecycle: set up the cluster → workload with nemesis → heal everything → final phase
// → tear down → check → store. One path ends every run: a signal (src/signals.ts), the caller's
// abort signal, a history write that fails (full disk) and a crash all stop the workload, heal,
// tear down and store what was observed (history so far; results.json saying `unknown` and why).
// A crash then throws RunFailedError naming the run directory.

import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { errorMessage, FaultlineError, RunFailedError } from '../errors.js';
import type { Op } from '../history.js';
import type { CheckResult, Client, Test, TestInfo, Validity } from '../protocols.js';
import { createRng } from '../rng.js';
import { runController, type Worker } from '../controller.js';
import { WorkerGates } from '../worker-gates.js';
import { any, clients, nemesis, phases, sleep, stagger, timeLimit, type Thread } from '../generator/index.js';
import { createRunDir, HistoryWriter, writeJson, DEFAULT_RESULTS } from '../store.js';
import { writeHistoryJsonl } from '../history-io.js';
import { ensureDir } from '../fs-safe.js';
import { Progress } from '../progress.js';
import { onStop } from '../signals.js';
import type { RunPlan } from './plan.js';
import { openWorkers } from './workers.js';
import { runFacts } from './run-facts.js';

export interface RunOutcome {
  dir: string;
  valid: Validity;
  results: CheckResult;
  test: TestInfo;
  /** Stopped by a signal or the caller's abort signal. */
  interrupted: boolean;
  /** Why the run stopped early: a signal or abort, or a history write that failed. */
  stopped?: { kind: 'interrupted' | 'storage'; reason: string };
  /** A write of the run's files failed (the verdict stands; see `savedTo`). */
  storeError?: FaultlineError;
  /** Where the files went when the run directory refused them (a temporary directory). */
  savedTo?: string;
}

type Stop = NonNullable<RunOutcome['stopped']>;

export async function executePlan(plan: RunPlan): Promise<RunOutcome> {
  const o = plan.options;
  const { db, workload, nemesis: pkg, nodes, concurrency, timeLimitS, rate, runId } = plan;
  const t0 = process.hrtime.bigint();
  const now = (): number => Number(process.hrtime.bigint() - t0);
  const info: TestInfo = { ...plan.info, startedAt: new Date().toISOString() };
  const windows = pkg?.windows ?? [];

  // Nothing is started yet: an unusable --out is a plain error (exit 254) with nothing to clean.
  const dir = createRunDir(o.out ?? DEFAULT_RESULTS, plan.name);
  writeJson(join(dir, 'test.json'), { ...info, windows });

  const abort = new AbortController();
  const progress = new Progress(process.stderr, windows, () => now() / 1e9, o.quiet);
  const log = { info: (m: string) => progress.line(m), warn: (m: string) => progress.line(`warning: ${m}`) };
  const test: Test = { ...info, dir, runId, rng: createRng(plan.seed), db: plan.dbName, dbImpl: db, log, now, signal: abort.signal };

  let stop: Stop | undefined;
  const requestStop = (s: Stop): void => {
    if (stop) return;
    stop = s;
    const what = s.kind === 'storage' ? `stopping the run: ${s.reason}` : `${s.reason}: stopping the workload`;
    progress.line(`${what}; healing and tearing down (history so far is in ${dir})`);
    abort.abort();
  };
  const history: Op[] = [];
  const writer = new HistoryWriter(join(dir, 'history.jsonl'), { onError: (e) => requestStop({ kind: 'storage', reason: e.message }) });
  const unsubscribe = onStop((r) => requestStop({ kind: 'interrupted', reason: r.reason }));
  const onAbort = (): void => requestStop({ kind: 'interrupted', reason: 'aborted by the caller' });
  if (o.signal?.aborted) onAbort();
  o.signal?.addEventListener('abort', onAbort);

  const opened: Client[] = [];
  let failure: unknown;
  try {
    progress.line(`faultline: ${plan.name}, ${nodes.length} nodes, ${concurrency} clients, nemesis ${info.nemesis.join(',') || 'none'}, seed ${plan.seed}, results in ${dir}`);
    progress.setPhase('setup');
    ensureDir(join(dir, 'nodes'));
    await db.setup(test);
    test.net = db.net;
    if (abort.signal.aborted) throw new FaultlineError('INTERRUPTED', 'interrupted during setup');
    await pkg?.nemesis.setup?.(test);

    const proto = plan.client(test);
    const nodeFor = (t: Thread): string | undefined => (t === 'nemesis' ? undefined : nodes[(t as number) % nodes.length]);
    const gates = new WorkerGates(concurrency);
    test.workers = gates;
    const { workers } = await openWorkers(test, proto, concurrency, (t) => nodeFor(t)!, gates, opened);
    if (pkg) workers.set('nemesis', { invoke: (op) => pkg.nemesis.invoke(test, op) } satisfies Worker);

    const main = any(clients(timeLimit(timeLimitS, stagger(1 / rate, workload.generator))), pkg ? nemesis(timeLimit(timeLimitS, pkg.generator)) : null);
    const heal = pkg?.finalGenerator ? nemesis(pkg.finalGenerator) : null;
    const final = workload.finalGenerator ? [nemesis(sleep(o.quiesceS ?? workload.recoveryS ?? 3)), clients(workload.finalGenerator)] : [];

    progress.setPhase('workload');
    progress.start();
    let phaseShown = 'workload';
    // The time limit counts from the workload's first op, not from setup (which may take long).
    const workloadStart = now();
    await runController({
      concurrency,
      generator: phases(main, heal, ...final),
      workers,
      rng: test.rng,
      now,
      nodeFor,
      signal: abort.signal,
      opTimeoutMs: o.opTimeoutMs ?? 5000,
      gates,
      log: (m) => progress.line(m),
      record: (op) => {
        gates.observe(op);
        history.push(op);
        writer.append(op);
        progress.record(op);
        if ((now() - workloadStart) / 1e9 > timeLimitS && phaseShown === 'workload') {
          phaseShown = 'heal and final phase';
          progress.phase = phaseShown;
        }
      },
    });
  } catch (e) {
    if (!(stop && e instanceof FaultlineError && e.code === 'INTERRUPTED')) failure = e;
  } finally {
    progress.stop();
    writer.close();
    await teardown();
    unsubscribe();
    o.signal?.removeEventListener('abort', onAbort);
  }

  let results: CheckResult;
  if (failure !== undefined) {
    results = { valid: 'unknown', error: `the run failed after ${history.length} ops: ${errorMessage(failure)}` };
  } else if (stop?.kind === 'storage') {
    results = { valid: 'unknown', error: `the run was stopped after ${history.length} ops because ${stop.reason}` };
  } else if (stop) {
    results = { valid: 'unknown', error: `interrupted (${stop.reason}) after ${history.length} ops; check the partial history with faultline check` };
  } else {
    progress.line(`[${(now() / 1e9).toFixed(1)}s] checking ${history.length} ops`);
    try {
      results = await workload.checker.check(history, { test: { ...info, windows }, timeLimitMs: o.checkTimeLimitMs ?? 120_000 });
    } catch (e) {
      results = { valid: 'unknown', error: `checker crashed: ${(e as Error)?.stack ?? String(e)}` };
    }
  }
  // Network counts and convergence time go beside the verdict (they never change it).
  results = { ...results, ...runFacts(db, history, (m) => progress.line(`warning: ${m}`)) };
  const interrupted = stop?.kind === 'interrupted';
  const finished = { ...info, windows, durationNs: now(), finishedAt: new Date().toISOString(), interrupted, ...(stop ? { stopped: stop } : {}) };
  const stored = store(dir, runId, finished, results, history, writer.error);
  if (!stored.error) {
    try {
      await o.afterStore?.(dir);
    } catch (e) {
      progress.line(`warning: after storing the run: ${errorMessage(e)}`);
    }
  }
  if (failure !== undefined) throw new RunFailedError(stored.savedTo ?? dir, failure);
  return { dir, valid: results.valid, results, test: finished, interrupted, ...(stop ? { stopped: stop } : {}), ...(stored.error ? { storeError: stored.error, savedTo: stored.savedTo } : {}) };

  async function teardown(): Promise<void> {
    progress.setPhase('teardown');
    const step = async (what: string, f: () => Promise<unknown> | undefined) => {
      try {
        await f();
      } catch (e) {
        progress.line(`warning: ${what} failed: ${(e as Error).message}`);
      }
    };
    // Healing first: a paused node is resumed (and a killed one restarted) before the db goes.
    await step('nemesis teardown (healing)', () => pkg?.nemesis.teardown?.(test));
    await step('client teardown', () => opened[0]?.teardown?.(test));
    await Promise.all(opened.map((c) => step('closing a client', () => c.close?.(test))));
    await step('collecting node logs', () => db.collectLogs?.(test, join(dir, 'nodes')));
    await step('db teardown', () => db.teardown(test));
  }
}

/**
 * Writes test.json and results.json into the run directory. When that directory refuses (full
 * disk, gone read-only), or the history could not be written, everything, the whole history
 * included (it is in memory), goes to a temporary directory instead.
 */
function store(dir: string, runId: string, test: unknown, results: CheckResult, history: Op[], historyError: FaultlineError | undefined): { error?: FaultlineError; savedTo?: string } {
  let error: FaultlineError | undefined = historyError;
  if (!error) {
    try {
      writeJson(join(dir, 'test.json'), test);
      writeJson(join(dir, 'results.json'), results);
      return {};
    } catch (e) {
      error = e instanceof FaultlineError ? e : new FaultlineError('IO', errorMessage(e), dir);
    }
  }
  // The run directory still gets what fits (results.json is small and says why).
  for (const [f, v] of [['results.json', results], ['test.json', test]] as const) {
    try {
      writeJson(join(dir, f), v);
    } catch {
      // the salvage copy below is the one to trust
    }
  }
  const salvage = join(tmpdir(), 'faultline-salvage', runId);
  try {
    ensureDir(salvage);
    writeHistoryJsonl(join(salvage, 'history.jsonl'), history);
    writeJson(join(salvage, 'test.json'), test);
    writeJson(join(salvage, 'results.json'), results);
    return { error, savedTo: salvage };
  } catch {
    return { error };
  }
}

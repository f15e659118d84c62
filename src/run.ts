// The run lifecycle: set up the cluster → workload with nemesis → heal everything → final phase
// → tear down → check → store → report. Ctrl-C or a crash still tears the cluster down and keeps
// the history recorded so far.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { FaultlineError } from './errors.js';
import { faultlineVersion } from './version.js';
import type { Op } from './history.js';
import type { CheckResult, Client, Db, Test, TestInfo, Validity } from './protocols.js';
import { createRng } from './rng.js';
import { runController, type Worker } from './controller.js';
import { WorkerGates } from './worker-gates.js';
import { any, clients, nemesis, phases, sleep, stagger, timeLimit, type Thread } from './generator/index.js';
import { createRunDir, HistoryWriter, writeJson, DEFAULT_RESULTS } from './store.js';
import { Progress } from './progress.js';
import { planRun, type PlanInput } from './plugin/plan.js';
import { writeReport } from '../app/report/write.js';

export interface RunOptions extends PlanInput {
  /** Client ops per second, in total. */
  rate?: number;
  timeLimitS?: number;
  seed?: number;
  /** Seconds to wait after healing, before the final phase. */
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
  /** Aborts the run like Ctrl-C (tests). */
  signal?: AbortSignal;
}

export interface RunOutcome {
  dir: string;
  valid: Validity;
  results: CheckResult;
  test: TestInfo;
  interrupted: boolean;
}


export async function runTest(o: RunOptions): Promise<RunOutcome> {
  // Every option is checked (plugins built) before the run directory exists: a refused run
  // leaves nothing behind.
  if (o.rate !== undefined && !(Number.isFinite(o.rate) && o.rate > 0)) throw new FaultlineError('BAD_ARGUMENT', `expected a positive number, got ${o.rate}`, '--rate');
  if (o.timeLimitS !== undefined && !(Number.isFinite(o.timeLimitS) && o.timeLimitS > 0)) throw new FaultlineError('BAD_ARGUMENT', `expected a positive number, got ${o.timeLimitS}`, '--time-limit');
  if (o.availability !== undefined && !(o.availability >= 0 && o.availability <= 1)) throw new FaultlineError('BAD_ARGUMENT', `expected a fraction between 0 and 1, got ${o.availability}`, '--availability');
  const plan = planRun(o);
  const { dbName, db, nodes, concurrency, workload } = plan;
  const nodeCount = nodes.length;
  const seed = o.seed ?? randomBytes(4).readUInt32LE(0);
  const rng = createRng(seed);
  const timeLimitS = o.timeLimitS ?? 30;
  const rate = o.rate ?? 100;
  const runId = `fl-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  const name = `${dbName}-${o.workload}`;
  const abort = new AbortController();
  const t0 = process.hrtime.bigint();
  const now = (): number => Number(process.hrtime.bigint() - t0);

  const info: TestInfo = {
    name, db: dbName, workload: o.workload, nemesis: plan.faults, nodes, concurrency, seed, timeLimitS, rate,
    ...(o.bug ? { bug: o.bug } : {}), ...(o.bin ? { bin: o.bin } : {}),
    ...(o.availability !== undefined ? { availability: o.availability } : {}),
    dbOptions: stringValues(o.dbOptions), workloadOptions: stringValues(plan.workloadOptions), startedAt: new Date().toISOString(),
    versions: { faultline: faultlineVersion(), node: process.version }, kind: 'run', runId,
  };
  const log = {
    info: (m: string) => progress.line(m),
    warn: (m: string) => progress.line(`warning: ${m}`),
  };
  const pkg = plan.nemesis;
  const windows = pkg?.windows ?? [];
  const dir = createRunDir(o.out ?? DEFAULT_RESULTS, name);
  const test: Test = { ...info, dir, runId, rng, db: dbName, dbImpl: db, log, now, signal: abort.signal };
  const progress = new Progress(process.stderr, windows, () => now() / 1e9, o.quiet);
  writeJson(join(dir, 'test.json'), { ...info, windows });

  const history: Op[] = [];
  const writer = new HistoryWriter(join(dir, 'history.jsonl'));
  let interrupted = false;
  const onSignal = (sig: string) => {
    if (interrupted) {
      progress.line(`${sig} again: tearing down now`);
      return;
    }
    interrupted = true;
    progress.line(`${sig}: stopping the workload, healing and tearing down (history so far is in ${dir})`);
    abort.abort();
  };
  const sigint = () => onSignal('SIGINT');
  const sigterm = () => onSignal('SIGTERM');
  process.on('SIGINT', sigint);
  process.on('SIGTERM', sigterm);
  o.signal?.addEventListener('abort', () => onSignal('abort'));

  const openClients: Client[] = [];
  let results: CheckResult = { valid: 'unknown', error: 'the run did not reach the check' };
  try {
    progress.line(`faultline: ${name}, ${nodeCount} nodes, ${concurrency} clients, nemesis ${info.nemesis.join(',') || 'none'}, seed ${seed}, results in ${dir}`);
    progress.setPhase('setup');
    mkdirSync(join(dir, 'nodes'), { recursive: true });
    await db.setup(test);
    test.net = db.net;
    if (abort.signal.aborted) throw new FaultlineError('INTERRUPTED', 'interrupted during setup');
    await pkg?.nemesis.setup?.(test);

    const proto = plan.client(test);
    const nodeFor = (t: Thread): string | undefined => (t === 'nemesis' ? undefined : nodes[(t as number) % nodes.length]);
    const workers = new Map<Thread, Worker>();
    const gates = new WorkerGates(concurrency);
    test.workers = gates;
    for (let t = 0; t < concurrency; t++) {
      const node = nodeFor(t)!;
      let client: Client | null = await proto.open(test, node);
      openClients.push(client);
      if (t === 0) await client.setup?.(test);
      gates.attach(t, { freeze: () => client?.freeze?.(), thaw: () => client?.thaw?.() });
      workers.set(t, {
        invoke: async (op) => {
          if (!client) {
            // Reopening after a crash failed: nothing was sent, so the op surely did not happen.
            try {
              client = await proto.open(test, node);
              openClients.push(client);
            } catch (e) {
              return { type: 'fail', error: `client could not connect to ${node}: ${(e as Error).message}` };
            }
          }
          return client.invoke(test, op);
        },
        crashed: async () => {
          // A crashed op leaves the connection in an unknown state: drop it, open a fresh one.
          const old = client;
          client = null;
          await old?.close?.(test).catch(() => undefined);
          try {
            client = await proto.open(test, node);
            openClients.push(client);
          } catch {
            client = null;
          }
        },
      });
    }
    if (pkg) workers.set('nemesis', { invoke: (op) => pkg.nemesis.invoke(test, op) });

    const main = any(clients(timeLimit(timeLimitS, stagger(1 / rate, workload.generator))), pkg ? nemesis(timeLimit(timeLimitS, pkg.generator)) : null);
    const heal = pkg?.finalGenerator ? nemesis(pkg.finalGenerator) : null;
    const final = workload.finalGenerator ? [nemesis(sleep(o.quiesceS ?? 3)), clients(workload.finalGenerator)] : [];
    const gen = phases(main, heal, ...final);

    progress.setPhase('workload');
    progress.start();
    let phaseShown = 'workload';
    await runController({
      concurrency, generator: gen, workers, rng, now, nodeFor, signal: abort.signal, opTimeoutMs: o.opTimeoutMs ?? 5000, gates,
      log: (m) => progress.line(m),
      record: (op) => {
        gates.observe(op);
        history.push(op);
        writer.append(op);
        progress.record(op);
        if (now() / 1e9 > timeLimitS && phaseShown === 'workload') {
          phaseShown = 'heal and final phase';
          progress.phase = phaseShown;
        }
      },
    });
    progress.stop();
  } catch (e) {
    progress.stop();
    if (!(e instanceof FaultlineError && e.code === 'INTERRUPTED')) {
      writer.close();
      await teardown();
      process.off('SIGINT', sigint);
      process.off('SIGTERM', sigterm);
      throw e;
    }
  }
  writer.close();
  await teardown();

  if (interrupted) {
    results = { valid: 'unknown', error: `interrupted after ${history.length} ops; check the partial history with faultline check` };
  } else {
    progress.line(`[${(now() / 1e9).toFixed(1)}s] checking ${history.length} ops`);
    try {
      results = await workload.checker.check(history, { test: { ...info, windows }, timeLimitMs: o.checkTimeLimitMs ?? 120_000 });
    } catch (e) {
      results = { valid: 'unknown', error: `checker crashed: ${(e as Error)?.stack ?? String(e)}` };
    }
  }
  const finished = { ...info, windows, durationNs: now(), finishedAt: new Date().toISOString(), interrupted };
  writeJson(join(dir, 'test.json'), finished);
  writeJson(join(dir, 'results.json'), results);
  try {
    await writeReport(dir);
  } catch (e) {
    progress.line(`warning: could not write the report: ${(e as Error).message}`);
  }
  process.off('SIGINT', sigint);
  process.off('SIGTERM', sigterm);
  return { dir, valid: results.valid, results, test: finished, interrupted };

  async function teardown(): Promise<void> {
    progress.setPhase('teardown');
    const step = async (what: string, f: () => Promise<unknown> | undefined) => {
      try {
        await f();
      } catch (e) {
        progress.line(`warning: ${what} failed: ${(e as Error).message}`);
      }
    };
    await step('nemesis teardown (healing)', () => pkg?.nemesis.teardown?.(test));
    await step('client teardown', () => openClients[0]?.teardown?.(test));
    await Promise.all(openClients.map((c) => step('closing a client', () => c.close?.(test))));
    await step('collecting node logs', () => db.collectLogs?.(test, join(dir, 'nodes')));
    await step('db teardown', () => db.teardown(test));
  }
}

/** Options as test.json records them: what the user wrote, as text. */
function stringValues(o: Record<string, unknown> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(o ?? {}).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
}

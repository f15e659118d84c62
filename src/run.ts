// The run lifecycle: set up the cluster → workload with nemesis → heal everything → final phase
// → tear down → check → store → report. Ctrl-C or a crash still tears the cluster down and keeps
// the history recorded so far.

import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { FaultlineError } from './errors.js';
import type { Op } from './history.js';
import type { CheckResult, Client, Db, Test, TestInfo, Validity } from './protocols.js';
import { createRng } from './rng.js';
import { runController, type Worker } from './controller.js';
import { any, clients, nemesis, phases, sleep, stagger, timeLimit, type Thread } from './generator/index.js';
import { createRunDir, HistoryWriter, writeJson, DEFAULT_RESULTS } from './store.js';
import { Progress } from './progress.js';
import { getDb, dbNames } from '../dbs/index.js';
import { getWorkload, workloadNames } from '../workloads/index.js';
import { buildNemesis } from '../nemesis/index.js';
import { writeReport } from '../app/report/write.js';

export interface RunOptions {
  /** Default: raft, or maelstrom when `bin` is given. */
  db?: string;
  bin?: string;
  workload: string;
  nemesis: string[];
  nodes?: number;
  concurrency?: number;
  /** Client ops per second, in total. */
  rate?: number;
  timeLimitS?: number;
  seed?: number;
  bug?: string;
  dbOptions?: Record<string, string>;
  nemesisOptions?: Record<string, string>;
  workloadOptions?: Record<string, string>;
  /** Mean seconds between fault starts and stops. */
  nemesisIntervalS?: number;
  /** Seconds to wait after healing, before the final phase. */
  quiesceS?: number;
  opTimeoutMs?: number;
  /** Checker budget. */
  checkTimeLimitMs?: number;
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

const PKG_VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** Validates options and resolves plugins, before anything is started. */
function resolve(o: RunOptions) {
  const dbName = o.db ?? (o.bin ? 'maelstrom' : 'raft');
  const dbPlugin = getDb(dbName);
  if (!dbPlugin) throw new FaultlineError('BAD_ARGUMENT', `unknown db '${dbName}' (known: ${dbNames().join(', ')})`, '--db');
  const workloadPlugin = getWorkload(o.workload);
  if (!workloadPlugin) throw new FaultlineError('BAD_ARGUMENT', `unknown workload '${o.workload}' (known: ${workloadNames().join(', ')})`, '--workload');
  if (!dbPlugin.workloads.includes(o.workload)) {
    throw new FaultlineError('UNSUPPORTED', `db ${dbName} has no client for workload ${o.workload} (it supports: ${dbPlugin.workloads.join(', ')})`, '--workload');
  }
  if (o.bug && !(dbPlugin.bugs && o.bug in dbPlugin.bugs)) {
    const known = Object.keys(dbPlugin.bugs ?? {});
    throw new FaultlineError('BAD_ARGUMENT', `db ${dbName} has no bug '${o.bug}'${known.length ? ` (known: ${known.join(', ')})` : ''}`, '--bug');
  }
  const positive = (v: number | undefined, name: string) => {
    if (v !== undefined && !(Number.isFinite(v) && v > 0)) throw new FaultlineError('BAD_ARGUMENT', `expected a positive number, got ${v}`, name);
  };
  positive(o.nodes, '--nodes');
  positive(o.concurrency, '--concurrency');
  positive(o.rate, '--rate');
  positive(o.timeLimitS, '--time-limit');
  return { dbName, dbPlugin, workloadPlugin };
}

export async function runTest(o: RunOptions): Promise<RunOutcome> {
  const { dbName, dbPlugin, workloadPlugin } = resolve(o);
  const fixed = dbPlugin.nodeNames?.({ nodes: o.nodes ?? dbPlugin.defaultNodes, bug: o.bug, bin: o.bin, dbOptions: o.dbOptions ?? {}, workload: o.workload });
  if (fixed && o.nodes !== undefined && o.nodes !== fixed.length) {
    throw new FaultlineError('BAD_ARGUMENT', `--nodes ${o.nodes} but the db options name ${fixed.length} nodes (${fixed.join(', ')})`, '--nodes');
  }
  const nodeCount = fixed?.length ?? o.nodes ?? dbPlugin.defaultNodes;
  const nodes = fixed ?? Array.from({ length: nodeCount }, (_, i) => `n${i + 1}`);
  const concurrency = o.concurrency ?? Math.max(nodeCount * 2, 5);
  const seed = o.seed ?? randomBytes(4).readUInt32LE(0);
  const rng = createRng(seed);
  const timeLimitS = o.timeLimitS ?? 30;
  const rate = o.rate ?? 100;
  const intervalS = o.nemesisIntervalS ?? 5;
  const runId = `fl-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  const name = `${dbName}-${o.workload}`;
  const abort = new AbortController();
  const t0 = process.hrtime.bigint();
  const now = (): number => Number(process.hrtime.bigint() - t0);
  const dbOpts = { nodes: nodeCount, bug: o.bug, bin: o.bin, dbOptions: o.dbOptions ?? {}, workload: o.workload };
  const db: Db = dbPlugin.create(dbOpts);
  const workloadOptions = { ...dbPlugin.workloadDefaults?.(dbOpts), ...o.workloadOptions };
  const workload = workloadPlugin.create({ concurrency, nodes, eventual: dbPlugin.eventuallyConsistent, options: workloadOptions });

  const info: TestInfo = {
    name, db: dbName, workload: o.workload, nemesis: o.nemesis.filter((n) => n && n !== 'none'), nodes, concurrency, seed, timeLimitS, rate,
    ...(o.bug ? { bug: o.bug } : {}), ...(o.bin ? { bin: o.bin } : {}),
    dbOptions: o.dbOptions ?? {}, ...(Object.keys(workloadOptions).length ? { workloadOptions } : {}), startedAt: new Date().toISOString(),
    versions: { faultline: PKG_VERSION, node: process.version }, kind: 'run', runId,
  };
  const log = {
    info: (m: string) => progress.line(m),
    warn: (m: string) => progress.line(`warning: ${m}`),
  };
  // Every option is checked (plugins built) before the run directory exists: a refused run
  // leaves nothing behind.
  const pkg = buildNemesis(o.nemesis, { db, intervalS, options: o.nemesisOptions ?? {} });
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
    test.net = db.net?.(test);
    if (abort.signal.aborted) throw new FaultlineError('INTERRUPTED', 'interrupted during setup');
    await pkg?.nemesis.setup?.(test);

    const proto = db.client(o.workload, test);
    if (!proto) throw new FaultlineError('UNSUPPORTED', `db ${dbName} has no client for workload ${o.workload}`, '--workload');
    const nodeFor = (t: Thread): string | undefined => (t === 'nemesis' ? undefined : nodes[(t as number) % nodes.length]);
    const workers = new Map<Thread, Worker>();
    for (let t = 0; t < concurrency; t++) {
      const node = nodeFor(t)!;
      let client: Client | null = await proto.open(test, node);
      openClients.push(client);
      if (t === 0) await client.setup?.(test);
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
      concurrency, generator: gen, workers, rng, now, nodeFor, signal: abort.signal, opTimeoutMs: o.opTimeoutMs ?? 5000,
      log: (m) => progress.line(m),
      record: (op) => {
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
      results = await workload.checker.check(history, { test: info, timeLimitMs: o.checkTimeLimitMs ?? 120_000 });
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

// Planning a run: every option is validated and every plugin (db, workload, nemesis) is built
// before anything starts, so a refused run leaves nothing behind. `test-all` plans all its cells
// with this before the first one runs.

import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { FaultlineError } from '../errors.js';
import type { Db, NemesisPackage, TestInfo, Workload } from '../protocols.js';
import { getDb, dbNames, type DbPlugin } from '../../dbs/index.js';
import { getWorkload, workloadNames } from '../../workloads/index.js';
import { buildNemesis } from '../../nemesis/index.js';

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
  /** Aborts the run like Ctrl-C (tests, embedding programs). */
  signal?: AbortSignal;
  /**
   * Called once the run's files are stored (e.g. to write report.html: the application does it,
   * the core does not know reports). Failures are printed as warnings.
   */
  afterStore?: (dir: string) => Promise<unknown>;
}

/** A validated run: resolved plugins and every derived setting. */
export interface RunPlan {
  options: RunOptions;
  dbName: string;
  dbPlugin: DbPlugin;
  db: Db;
  workload: Workload;
  nemesis: NemesisPackage | null;
  nodes: string[];
  concurrency: number;
  seed: number;
  timeLimitS: number;
  rate: number;
  intervalS: number;
  runId: string;
  /** `db-workload`: the results folder of the run. */
  name: string;
  /** test.json as known before the run starts. */
  info: TestInfo;
}

const PKG_VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

function positive(v: number | undefined, name: string): void {
  if (v !== undefined && !(Number.isFinite(v) && v > 0)) throw new FaultlineError('BAD_ARGUMENT', `expected a positive number, got ${v}`, name);
}

/**
 * Validates the options and builds the plugins; throws FaultlineError naming the option. Builds
 * objects only: no process, container, file or directory is created.
 */
export function planRun(o: RunOptions): RunPlan {
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
  positive(o.nodes, '--nodes');
  positive(o.concurrency, '--concurrency');
  positive(o.rate, '--rate');
  positive(o.timeLimitS, '--time-limit');
  positive(o.nemesisIntervalS, '--nemesis-interval');

  const dbOptions = o.dbOptions ?? {};
  const fixed = dbPlugin.nodeNames?.({ nodes: o.nodes ?? dbPlugin.defaultNodes, bug: o.bug, bin: o.bin, dbOptions });
  if (fixed && o.nodes !== undefined && o.nodes !== fixed.length) {
    throw new FaultlineError('BAD_ARGUMENT', `--nodes ${o.nodes} but the db options name ${fixed.length} nodes (${fixed.join(', ')})`, '--nodes');
  }
  const nodeCount = fixed?.length ?? o.nodes ?? dbPlugin.defaultNodes;
  const nodes = fixed ?? Array.from({ length: nodeCount }, (_, i) => `n${i + 1}`);
  const concurrency = o.concurrency ?? Math.max(nodeCount * 2, 5);
  const seed = o.seed ?? randomBytes(4).readUInt32LE(0);
  const timeLimitS = o.timeLimitS ?? 30;
  const rate = o.rate ?? 100;
  const intervalS = o.nemesisIntervalS ?? 5;
  const db = dbPlugin.create({ nodes: nodeCount, bug: o.bug, bin: o.bin, dbOptions });
  const workload = workloadPlugin.create({ concurrency, nodes, eventual: dbPlugin.eventuallyConsistent, options: o.workloadOptions ?? {} });
  const nemesis = buildNemesis(o.nemesis, { db, intervalS, options: o.nemesisOptions ?? {} });
  const runId = `fl-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  const name = `${dbName}-${o.workload}`;
  const info: TestInfo = {
    name,
    db: dbName,
    workload: o.workload,
    nemesis: o.nemesis.filter((n) => n && n !== 'none'),
    nodes,
    concurrency,
    seed,
    timeLimitS,
    rate,
    ...(o.bug ? { bug: o.bug } : {}),
    ...(o.bin ? { bin: o.bin } : {}),
    dbOptions,
    startedAt: new Date().toISOString(),
    versions: { faultline: PKG_VERSION, node: process.version },
    kind: 'run',
    runId,
  };
  return { options: o, dbName, dbPlugin, db, workload, nemesis, nodes, concurrency, seed, timeLimitS, rate, intervalS, runId, name, info };
}

// `faultline test-all`: a JSON config names dbs × workloads × nemeses × seeds; every cell is one
// run (sequential: clusters must not compete for the machine). The result is the worst verdict;
// a run that crashes counts as unknown and the matrix goes on.

import { existsSync, readFileSync } from 'node:fs';
import { FaultlineError, badArgument, errorMessage } from '../../src/errors.js';
import type { CheckResult, TestInfo, Validity } from '../../src/protocols.js';
import type { CiRun } from './junit.js';
import type { RunOptions } from '../../src/run.js';
import { parseAvailability } from '../../checkers/stats/index.js';

export interface MatrixConfig {
  dbs: string[];
  workloads: string[];
  /** Each entry is one nemesis combination: "partition,kill", ["partition","kill"], or "none". */
  nemeses: string[][];
  seeds: number[];
  timeLimit?: number;
  nodes?: number;
  concurrency?: number;
  rate?: number;
  bin?: string;
  bug?: string;
  dbOptions?: Record<string, string>;
  workloadOptions?: Record<string, string>;
  nemesisOptions?: Record<string, string>;
  nemesisInterval?: number;
  /** Required fraction of ok client ops per run (as `run --availability`). */
  availability?: number;
  out?: string;
}

/** What one cell asks runTest for: run options with the db and seed always set. */
export type CellOptions = RunOptions & { db: string; seed: number };

const KNOWN = ['dbs', 'workloads', 'nemeses', 'seeds', 'timeLimit', 'nodes', 'concurrency', 'rate', 'bin', 'bug', 'dbOptions', 'workloadOptions', 'nemesisOptions', 'nemesisInterval', 'availability', 'out'];

function strList(v: unknown, where: string): string[] {
  if (typeof v === 'string') return [v];
  if (!Array.isArray(v) || !v.length || !v.every((x) => typeof x === 'string' && x.trim() !== '')) throw badArgument('expected a non-empty list of names', where);
  return v as string[];
}

function nemesisCombo(v: unknown, where: string): string[] {
  const list = typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter(Boolean) : Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : null;
  if (!list) throw badArgument('expected "a,b" or ["a","b"] or "none"', where);
  return list.filter((x) => x !== 'none');
}

function num(v: unknown, where: string, positive = true): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || (positive ? v <= 0 : v < 0)) throw badArgument(`expected a ${positive ? 'positive' : 'non-negative'} number, got ${JSON.stringify(v)}`, where);
  return v;
}

function strMap(v: unknown, where: string): Record<string, string> | undefined {
  if (v === undefined) return undefined;
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw badArgument('expected an object of key: value strings', where);
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, String(x)]));
}

/** Parse and validate a config object; errors name the file and the key. */
export function parseMatrixConfig(raw: unknown, file: string): MatrixConfig {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw badArgument('expected a JSON object', file);
  const r = raw as Record<string, unknown>;
  for (const k of Object.keys(r)) if (!KNOWN.includes(k)) throw badArgument(`unknown key '${k}' (known: ${KNOWN.join(', ')})`, `${file}: ${k}`);
  const nemRaw = r.nemeses ?? ['none'];
  if (!Array.isArray(nemRaw) || !nemRaw.length) throw badArgument('expected a non-empty list of nemesis combinations', `${file}: nemeses`);
  const seedsRaw = r.seeds ?? [1];
  if (!Array.isArray(seedsRaw) || !seedsRaw.length || !seedsRaw.every((s) => Number.isInteger(s) && s >= 0)) throw badArgument('expected a non-empty list of non-negative integers', `${file}: seeds`);
  const opt = <T>(k: string, v: T | undefined) => (v === undefined ? {} : { [k]: v });
  return {
    dbs: strList(r.dbs ?? ['raft'], `${file}: dbs`),
    workloads: strList(r.workloads, `${file}: workloads`),
    nemeses: nemRaw.map((n, i) => nemesisCombo(n, `${file}: nemeses[${i}]`)),
    seeds: seedsRaw as number[],
    ...opt('timeLimit', num(r.timeLimit, `${file}: timeLimit`)),
    ...opt('nodes', num(r.nodes, `${file}: nodes`)),
    ...opt('concurrency', num(r.concurrency, `${file}: concurrency`)),
    ...opt('rate', num(r.rate, `${file}: rate`)),
    ...opt('nemesisInterval', num(r.nemesisInterval, `${file}: nemesisInterval`)),
    ...opt('bin', typeof r.bin === 'string' ? r.bin : undefined),
    ...opt('bug', typeof r.bug === 'string' ? r.bug : undefined),
    ...opt('out', typeof r.out === 'string' ? r.out : undefined),
    ...opt('availability', parseAvailability(r.availability, `${file}: availability`)),
    ...opt('dbOptions', strMap(r.dbOptions, `${file}: dbOptions`)),
    ...opt('workloadOptions', strMap(r.workloadOptions, `${file}: workloadOptions`)),
    ...opt('nemesisOptions', strMap(r.nemesisOptions, `${file}: nemesisOptions`)),
  };
}

export function readMatrixConfig(file: string): MatrixConfig {
  if (!existsSync(file)) throw new FaultlineError('FILE_NOT_FOUND', 'no such config file', file);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new FaultlineError('BAD_INPUT', `not valid JSON: ${(e as Error).message}`, file);
  }
  return parseMatrixConfig(raw, file);
}

/** Every cell of the matrix, in a stable order (db, workload, nemesis, seed). */
export function expandMatrix(c: MatrixConfig): CellOptions[] {
  const cells: CellOptions[] = [];
  for (const db of c.dbs)
    for (const workload of c.workloads)
      for (const nemesis of c.nemeses)
        for (const seed of c.seeds) {
          const cell: CellOptions = { db, workload, nemesis, seed };
          if (c.timeLimit !== undefined) cell.timeLimitS = c.timeLimit;
          if (c.nodes !== undefined) cell.nodes = c.nodes;
          if (c.concurrency !== undefined) cell.concurrency = c.concurrency;
          if (c.rate !== undefined) cell.rate = c.rate;
          if (c.bin !== undefined) cell.bin = c.bin;
          if (c.bug !== undefined) cell.bug = c.bug;
          if (c.dbOptions) cell.dbOptions = c.dbOptions;
          if (c.workloadOptions) cell.workloadOptions = c.workloadOptions;
          if (c.nemesisOptions) cell.nemesisOptions = c.nemesisOptions;
          if (c.nemesisInterval !== undefined) cell.nemesisIntervalS = c.nemesisInterval;
          if (c.out !== undefined) cell.out = c.out;
          if (c.availability !== undefined) cell.availability = c.availability;
          cells.push(cell);
        }
  return cells;
}

export type RunFn = (o: CellOptions) => Promise<{ dir: string; valid: Validity; results: CheckResult; test: TestInfo }>;

/** Run cells one after another; crashes are recorded, never thrown. `stop` ends the matrix early (a signal). */
export async function runMatrix(cells: CellOptions[], run: RunFn, onDone?: (run: CiRun, cell: CellOptions, i: number) => void, stop?: () => boolean): Promise<CiRun[]> {
  const out: CiRun[] = [];
  for (let i = 0; i < cells.length; i++) {
    if (stop?.()) break;
    const cell = cells[i]!;
    const t0 = Date.now();
    let r: CiRun;
    try {
      const o = await run(cell);
      r = { test: o.test, results: o.results, dir: o.dir, timeS: (Date.now() - t0) / 1000 };
    } catch (e) {
      // A user or environment error is its message; a crash keeps its stack (errors.ts decides).
      const msg = errorMessage(e);
      r = { test: { name: `${cell.db}-${cell.workload}`, db: cell.db, workload: cell.workload, nemesis: cell.nemesis, seed: cell.seed }, crash: msg, timeS: (Date.now() - t0) / 1000 };
    }
    out.push(r);
    onDone?.(r, cell, i);
  }
  return out;
}

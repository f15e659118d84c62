// Helpers for tests and bench scripts of the Maelstrom targets: a minimal Test object and a
// temporary run directory, so a Db can be driven without the full controller.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Db, Test } from '../protocols.js';
import { createRng } from '../rng.js';

export function minimalTest(db: Db, opts: { nodes: string[]; seed?: number; dir?: string; quiet?: boolean }): Test {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'faultline-maelstrom-'));
  const start = process.hrtime.bigint();
  const ac = new AbortController();
  const seed = opts.seed ?? 1;
  return {
    name: 'maelstrom-test',
    db: db.name,
    workload: 'register',
    nemesis: [],
    nodes: opts.nodes,
    concurrency: 1,
    seed,
    timeLimitS: 0,
    rate: 0,
    dbOptions: {},
    startedAt: new Date().toISOString(),
    versions: {},
    dir,
    runId: `test-${process.pid}-${Date.now()}`,
    rng: createRng(seed),
    dbImpl: db,
    log: {
      info: (m) => void (opts.quiet ? 0 : process.stderr.write(`[info] ${m}\n`)),
      warn: (m) => void (opts.quiet ? 0 : process.stderr.write(`[warn] ${m}\n`)),
    },
    now: () => Number(process.hrtime.bigint() - start),
    signal: ac.signal,
  };
}

export function nodeNames(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `n${i + 1}`);
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

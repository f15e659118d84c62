// The default `faultline run` (register workload, built-in 5-node Raft, partition,kill, 30 s) over
// several seeds: verdict, client ops per thread, ops/s offered, and the ok fraction of client ops
// inside and outside the windows where no majority could be reached (see availability.ts).
// Usage:
//   npx tsx bench/default-run.ts [--seeds 1-5] [--time-limit 30] [--rate R] [--concurrency N] [--bug NAME]
//        [--out DIR] [--dirs RUN_DIR...]   (--dirs: analyze existing runs instead of running)
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import '../checkers/index.js';
import '../checkers/linearizable/index.js';
import '../app/builtins.js';
import type { Op } from '../src/history.js';
import { runTest } from '../src/run.js';
import { availability } from './availability.js';

const { values: a, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    seeds: { type: 'string', default: '1-5' },
    'time-limit': { type: 'string', default: '30' },
    rate: { type: 'string' },
    concurrency: { type: 'string' },
    bug: { type: 'string' },
    out: { type: 'string', default: '/tmp/faultline-bench-default' },
    dirs: { type: 'boolean', default: false },
  },
});

interface Row { label: string; valid: string; dir: string }

function analyze(row: Row): { okOut: number; opsPerS: number; perThread: number[] } {
  const test = JSON.parse(readFileSync(join(row.dir, 'test.json'), 'utf8')) as { nodes: string[]; concurrency: number; timeLimitS: number };
  const history = readFileSync(join(row.dir, 'history.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Op);
  const av = availability(history, test.nodes, test.concurrency, test.timeLimitS);
  const pct = (x: { ops: number; ok: number }): string => (x.ops ? `${((100 * x.ok) / x.ops).toFixed(1)}% of ${x.ops}` : 'n/a');
  const windows = av.noMajority.map((w) => `${(w.start / 1e9).toFixed(1)}-${(w.end / 1e9).toFixed(1)}s`).join(' ') || 'none';
  const opsPerS = av.offeredPerS;
  console.log(`${row.label}: ${row.valid} ops=${av.ops} ops/s=${opsPerS.toFixed(0)} (outside no-majority windows ${av.offeredOutsidePerS.toFixed(0)}) per-thread=[${av.perThread.join(' ')}] ok outside=${pct(av.outside)} (at nodes reaching a majority ${pct(av.connected)}) inside=${pct(av.inside)} no-majority=${windows}`);
  const errors = Object.entries(av.errorsOutside).sort((x, y) => y[1] - x[1]).slice(0, 5);
  console.log(`  failures outside: ${errors.map(([k, n]) => `${n}× ${k}`).join('; ')}`);
  console.log(`  elections ${count(row.dir, /election for term/)}, leaders stepping down ${count(row.dir, /stepping down/)}; load average ${loadavg()[0]!.toFixed(1)} (${row.dir})`);
  return { okOut: av.outside.ok / Math.max(1, av.outside.ops), opsPerS, perThread: av.perThread };
}

const results: Array<ReturnType<typeof analyze> & { valid: string }> = [];
const [lo, hi] = a.seeds!.split('-').map(Number) as [number, number];
const rows: Row[] = a.dirs
  ? positionals.map((dir) => ({ label: dir, valid: verdictOf(dir), dir }))
  : Array.from({ length: (hi ?? lo) - lo + 1 }, (_, i) => ({ label: `seed ${lo + i}`, valid: '', dir: '' }));
for (const [i, row] of rows.entries()) {
  if (!a.dirs) {
    const o = await runTest({
      workload: 'register',
      nemesis: ['partition', 'kill'],
      seed: lo + i,
      timeLimitS: Number(a['time-limit']),
      ...(a.rate ? { rate: Number(a.rate) } : {}),
      ...(a.concurrency ? { concurrency: Number(a.concurrency) } : {}),
      ...(a.bug ? { bug: a.bug } : {}),
      out: a.out,
      quiet: true,
    });
    row.valid = String(o.valid);
    row.dir = o.dir;
  }
  results.push({ ...analyze(row), valid: row.valid });
}
const verdicts: Record<string, number> = {};
for (const r of results) verdicts[r.valid] = (verdicts[r.valid] ?? 0) + 1;
const share = results.map((r) => Math.min(...r.perThread) / (r.perThread.reduce((x, y) => x + y, 0) / r.perThread.length));
console.log(
  `summary over ${results.length} runs: verdicts ${JSON.stringify(verdicts)}, ok outside no-majority windows min ${(100 * Math.min(...results.map((r) => r.okOut))).toFixed(1)}% ` +
    `mean ${(100 * results.reduce((x, r) => x + r.okOut, 0) / results.length).toFixed(1)}%, ops/s min ${Math.min(...results.map((r) => r.opsPerS)).toFixed(0)}, ` +
    `least-served thread / mean thread: min ${Math.min(...share).toFixed(2)}`,
);
process.exit(0);

/** Lines of the nodes' logs matching `re` (the built-in Raft logs its elections). */
function count(dir: string, re: RegExp): number {
  const nodes = join(dir, 'nodes');
  if (!existsSync(nodes)) return 0;
  let n = 0;
  for (const node of readdirSync(nodes)) {
    const log = join(nodes, node, 'node.log');
    if (existsSync(log)) n += readFileSync(log, 'utf8').split('\n').filter((l) => re.test(l)).length;
  }
  return n;
}

function verdictOf(dir: string): string {
  try {
    return String((JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as { valid: unknown }).valid);
  } catch {
    return '?';
  }
}

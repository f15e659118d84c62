// Verdicts of the built-in targets over many seeds: how often a correct cluster is judged valid
// (must be always) and how often a --bug is caught (should be most seeds), with wall times.
// Also the cluster start-up time. Usage:
//   npx tsx bench/maelstrom-seeds.ts [--db raft] [--workload register] [--nemesis partition,kill]
//        [--bug NAME|none] [--seeds 1-10] [--time-limit 30] [--nemesis-option partition=primaries]
//        [--workload-option ops-per-key=1000] [--rate R]
import { parseArgs } from 'node:util';
import '../checkers/index.js';
import '../checkers/linearizable/index.js';
import { createDb } from '../src/plugin/plan.js';
import '../app/builtins.js';
import type { MaelstromDb } from '../src/maelstrom/db.js';
import { minimalTest, nodeNames } from '../src/maelstrom/test-kit.js';
import { runTest } from '../src/run.js';

const { values: a } = parseArgs({
  options: {
    db: { type: 'string', default: 'raft' },
    workload: { type: 'string', default: 'register' },
    nemesis: { type: 'string', default: 'partition,kill' },
    bug: { type: 'string', default: 'none' },
    seeds: { type: 'string', default: '1-10' },
    'time-limit': { type: 'string', default: '30' },
    out: { type: 'string', default: '/tmp/faultline-bench' },
    'nemesis-option': { type: 'string', multiple: true, default: [] },
    'workload-option': { type: 'string', multiple: true, default: [] },
    rate: { type: 'string' },
  },
});

async function startupMs(n: number): Promise<number> {
  const db = createDb(a.db!, { nodes: n }).db as MaelstromDb;
  const test = minimalTest(db, { nodes: nodeNames(n), quiet: true });
  const t = performance.now();
  await db.setup(test);
  const ms = performance.now() - t;
  await db.teardown(test);
  return ms;
}

console.log(`cluster start-up (${a.db}, 5 nodes, init_ok from all): ${(await startupMs(5)).toFixed(0)} ms`);
const [lo, hi] = a.seeds!.split('-').map(Number) as [number, number];
const counts: Record<string, number> = {};
for (let seed = lo; seed <= (hi ?? lo); seed++) {
  const t = performance.now();
  const o = await runTest({
    db: a.db,
    workload: a.workload!,
    nemesis: a.nemesis!.split(','),
    bug: a.bug === 'none' ? undefined : a.bug,
    seed,
    timeLimitS: Number(a['time-limit']),
    out: a.out,
    quiet: true,
    nemesisOptions: keyValues(a['nemesis-option']),
    workloadOptions: keyValues(a['workload-option']),
    ...(a.rate ? { rate: Number(a.rate) } : {}),
  });
  const v = String(o.valid);
  counts[v] = (counts[v] ?? 0) + 1;
  const parts = Object.entries(o.results.results ?? {}).map(([k, r]) => `${k}=${String(r.valid)}`).join(' ');
  console.log(`seed ${seed}: valid=${v} wall=${((performance.now() - t) / 1000).toFixed(1)}s ${parts} ${o.dir}`);
}
console.log(`db=${a.db} workload=${a.workload} nemesis=${a.nemesis} ${[...(a['nemesis-option'] ?? []), ...(a['workload-option'] ?? [])].join(' ')}${a.rate ? ` rate=${a.rate}` : ''} bug=${a.bug} time-limit=${a['time-limit']}s seeds=${a.seeds}:`, counts);
process.exit(0);

function keyValues(kvs: string[] | undefined): Record<string, string> {
  return Object.fromEntries((kvs ?? []).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
}

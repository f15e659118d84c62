// Verdicts of the PostgreSQL and MariaDB suites over seeds (issue 14's "Done when"): each named
// configuration runs once per seed through runTest, and the table prints the verdict, the
// anomaly types or bank/two-phase summary, ops and wall time. Correct configurations must be
// valid in every seed; the ones that exhibit a documented anomaly should be invalid in most.
//   npx tsx bench/sql-seeds.ts [--only pg-ser,pg-rr,...] [--seeds 1-5] [--time-limit 15]
// Configurations: see CONFIGS below (`--list` prints them).
import { parseArgs } from 'node:util';
import '../app/builtins.js';
import { runTest, type RunOptions } from '../src/run.js';
import type { CheckResult } from '../src/protocols.js';

const { values: a } = parseArgs({
  options: {
    only: { type: 'string' },
    seeds: { type: 'string', default: '1-5' },
    'time-limit': { type: 'string', default: '15' },
    out: { type: 'string', default: '/tmp/faultline-bench-sql' },
    list: { type: 'boolean', default: false },
  },
});

type Config = Omit<RunOptions, 'seed' | 'timeLimitS' | 'out' | 'quiet'> & { expect: string };
const la = { workload: 'list-append', nemesis: [] as string[] };
const CONFIGS: Record<string, Config> = {
  'pg-ser': { db: 'postgres', ...la, dbOptions: { isolation: 'serializable' }, expect: 'valid' },
  'pg-rr': { db: 'postgres', ...la, dbOptions: { isolation: 'repeatable-read' }, expect: 'valid (snapshot-isolation)' },
  'pg-rr-as-ser': { db: 'postgres', ...la, dbOptions: { isolation: 'repeatable-read' }, workloadOptions: { 'consistency-model': 'serializable' }, expect: 'invalid: G2-item' },
  'pg-rc': { db: 'postgres', ...la, dbOptions: { isolation: 'read-committed' }, expect: 'valid (read-committed)' },
  'pg-bank-rr': { db: 'postgres', workload: 'bank', nemesis: [], dbOptions: { isolation: 'repeatable-read' }, expect: 'valid' },
  'pg-bank-rc': { db: 'postgres', workload: 'bank', nemesis: [], dbOptions: { isolation: 'read-committed' }, expect: 'invalid: lost updates change the total' },
  'pg-replica-register': { db: 'postgres', workload: 'register', nemesis: ['partition'], dbOptions: { replicas: '1' }, expect: 'invalid: stale reads on the replica' },
  'maria-rr': { db: 'mariadb', ...la, dbOptions: { isolation: 'repeatable-read' }, expect: 'invalid: not snapshot-isolation' },
  'maria-rr-si': { db: 'mariadb', ...la, dbOptions: { isolation: 'repeatable-read', innodb_snapshot_isolation: 'on' }, expect: 'valid (snapshot-isolation)' },
  'maria-ser': { db: 'mariadb', ...la, dbOptions: { isolation: 'serializable' }, expect: 'valid' },
  'maria-bank-rr': { db: 'mariadb', workload: 'bank', nemesis: [], dbOptions: { isolation: 'repeatable-read' }, expect: 'invalid: lost updates' },
  'galera-rr': { db: 'mariadb', ...la, nemesis: ['partition', 'kill'], dbOptions: { galera: 'true' }, expect: 'measured' },
  'galera-ser': { db: 'mariadb', ...la, nemesis: ['partition', 'kill'], dbOptions: { galera: 'true', isolation: 'serializable' }, workloadOptions: { 'consistency-model': 'serializable' }, expect: 'measured' },
  '2pc-crash': { db: 'postgres-2pc', workload: 'bank-2pc', nemesis: ['coordinator-crash'], nemesisIntervalS: 3, expect: 'valid' },
  '2pc-bug': { db: 'postgres-2pc', workload: 'bank-2pc', nemesis: ['coordinator-crash'], nemesisIntervalS: 3, bug: 'forget-participant', expect: 'invalid: changed total' },
};

if (a.list) {
  for (const [k, c] of Object.entries(CONFIGS)) console.log(`${k}: ${JSON.stringify(c)}`);
  process.exit(0);
}

/** The anomaly types, bank errors or two-phase splits a result names. */
function named(r: CheckResult): string {
  const out: string[] = [];
  for (const [k, s] of Object.entries(r.results ?? {})) {
    if (s.valid === true || k === 'stats' || k === 'perf') continue;
    const types = s.anomalyTypes ?? (s.errorTypes ? Object.keys(s.errorTypes as object) : undefined);
    out.push(`${k}: ${Array.isArray(types) ? types.join(' ') : typeof types === 'string' ? types : String(s.summary ?? s.error ?? '').slice(0, 80)}`);
  }
  return out.join('; ');
}

const [lo, hi] = a.seeds!.split('-').map(Number) as [number, number];
const names = a.only ? a.only.split(',') : Object.keys(CONFIGS);
const rows: string[] = ['| config | expected | seed | verdict | named | ops | wall s |', '|---|---|---|---|---|---|---|'];
for (const name of names) {
  const c = CONFIGS[name];
  if (!c) throw new Error(`unknown config ${name} (--list shows them)`);
  const { expect, ...opts } = c;
  for (let seed = lo; seed <= (hi ?? lo); seed++) {
    const t = performance.now();
    let verdict: string;
    let what = '';
    let ops = 0;
    try {
      const o = await runTest({ ...opts, seed, timeLimitS: Number(a['time-limit']), out: a.out, quiet: true });
      verdict = String(o.valid);
      what = named(o.results);
      ops = Number((o.results.results?.stats as { total?: { count?: number } } | undefined)?.total?.count ?? 0);
    } catch (e) {
      verdict = 'error';
      what = (e as Error).message.split('\n')[0]!.slice(0, 120);
    }
    const row = `| ${name} | ${expect} | ${seed} | ${verdict} | ${what} | ${ops} | ${((performance.now() - t) / 1000).toFixed(0)} |`;
    rows.push(row);
    console.log(row);
  }
}
console.log(`\n${rows.join('\n')}`);
process.exit(0);

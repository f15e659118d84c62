// Seed sweeps of the ZooKeeper and Redis suites' documented behaviours, as the CLI runs them (one
// child process per run, like a user's): verdict (exit code), wall time, and per configuration
// what matters: for the ZooKeeper register, the same history judged by the sequential checker
// too; for Redis Sentinel, how many acknowledged adds were lost; for locks, the overlaps and what
// the fence caught. Usage:
//   npx tsx bench/suite-seeds.ts [--config NAME]... [--seeds 1-5] [--time-limit 60]
// NAME: zk-register, zk-register-sync, redis-sentinel, redis-sentinel-none, and lock runs under
// stall of the holder (5 s stalls, 2 s leases) or without faults: {zk,etcd,redlock}-lock-stall,
// {zk,etcd,redlock}-lock-none.
import { parseArgs } from 'node:util';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values: a } = parseArgs({
  options: {
    config: { type: 'string', multiple: true, default: ['zk-register', 'redis-sentinel'] },
    seeds: { type: 'string', default: '1-5' },
    'time-limit': { type: 'string', default: '60' },
  },
});

const CONFIGS: Record<string, string[]> = {
  'zk-register': ['--db', 'zookeeper', '--workload', 'register', '--nemesis', 'partition'],
  'zk-register-sync': ['--db', 'zookeeper', '--db-option', 'reads=sync', '--workload', 'register', '--nemesis', 'partition'],
  'redis-sentinel': ['--db', 'redis', '--db-option', 'topology=sentinel', '--workload', 'set', '--nemesis', 'partition'],
  'redis-sentinel-none': ['--db', 'redis', '--db-option', 'topology=sentinel', '--workload', 'set', '--nemesis', 'none'],
};
const LOCK_DBS: Record<string, string[]> = {
  zk: ['--db', 'zookeeper', '--db-option', 'session-timeout-ms=2000', '--workload-option', 'fenced=true'],
  etcd: ['--db', 'etcd', '--db-option', 'lock-ttl=2', '--workload-option', 'fenced=true'],
  redlock: ['--db', 'redis', '--db-option', 'topology=redlock', '--db-option', 'lock-ttl-ms=2000'],
};
const STALL = ['--nemesis', 'stall', '--nemesis-interval', '2', '--nemesis-option', 'stall=holder', '--nemesis-option', 'stall-ms=5000'];
for (const [db, args] of Object.entries(LOCK_DBS)) {
  CONFIGS[`${db}-lock-stall`] = [...args, '--workload', 'lock', ...STALL];
  CONFIGS[`${db}-lock-none`] = [...args, '--workload', 'lock', '--nemesis', 'none'];
}
const VERDICT: Record<number, string> = { 0: 'valid', 1: 'INVALID', 2: 'unknown', 254: 'bad input', 255: 'crash' };

const [lo, hi] = a.seeds!.split('-').map(Number) as [number, number];
console.log('| config | seed | exit | verdict | wall s | notes |');
console.log('|---|---|---|---|---|---|');
for (const name of a.config!) {
  const args = CONFIGS[name];
  if (!args) throw new Error(`unknown config ${name} (known: ${Object.keys(CONFIGS).join(', ')})`);
  for (let seed = lo; seed <= (hi ?? lo); seed++) {
    const out = mkdtempSync(join(tmpdir(), 'faultline-bench-'));
    const t0 = performance.now();
    const r = spawnSync(process.execPath, ['bin/faultline.js', 'run', '--quiet', '--out', out, ...args, '--time-limit', a['time-limit']!, '--seed', String(seed)], { cwd: root, encoding: 'utf8', timeout: 900_000 });
    const wall = (performance.now() - t0) / 1000;
    const testDir = readdirSync(out).map((d) => join(out, d))[0];
    const dir = testDir ? join(testDir, readdirSync(testDir).filter((d) => d !== 'latest')[0] ?? '') : '';
    const notes: string[] = [];
    if (dir && existsSync(join(dir, 'results.json'))) {
      const res = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as { results?: Record<string, Record<string, unknown>> };
      const set = res.results?.set;
      // The count from the summary: the listed elements are capped (results.json keeps the first 1000).
      if (set) notes.push(`${String(set.summary ?? '').match(/(\d+) lost/)?.[1] ?? '?'} lost of ${String(set.summary ?? '').match(/(\d+) acknowledged/)?.[1] ?? '?'} acknowledged adds`);
      const lock = res.results?.lock;
      if (lock) {
        const f = lock.fencing as { caught: unknown[]; staleAccepted: unknown[] } | undefined;
        notes.push(`${(lock.overlaps as unknown[] | undefined)?.length ?? 0} overlapping acquisitions${f ? `; fence: ${f.caught.length} caught, ${f.staleAccepted.length} stale accepted` : ''}`);
      }
      const lin = res.results?.linearizable;
      if (lin) notes.push(`linearizable: ${String(lin.valid)}${lin.valid === false ? ' (stale read in the witness)' : ''}`);
      if (name.startsWith('zk-register')) {
        const seq = spawnSync(process.execPath, ['bin/faultline.js', 'check', '--checker', 'sequential', '--model', 'cas-register', join(dir, 'history.jsonl')], { cwd: root, encoding: 'utf8', timeout: 600_000 });
        notes.push(`sequential: ${VERDICT[seq.status ?? 255] ?? seq.status}`);
      }
    } else notes.push((r.stderr || r.stdout).trim().split('\n').slice(-1)[0] ?? '');
    console.log(`| ${name} | ${seed} | ${r.status} | ${VERDICT[r.status ?? 255] ?? '?'} | ${wall.toFixed(0)} | ${notes.join('; ')} |`);
  }
}

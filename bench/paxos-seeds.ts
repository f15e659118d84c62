// Seed sweep of the built-in Multi-Paxos target: `faultline run --db paxos` exactly as a user
// types it (the CLI's and the paxos plugin's defaults), the correct node and each bug switch,
// seed by seed. The correct node must be valid in every seed; each bug must be caught (invalid).
// Usage: npx tsx bench/paxos-seeds.ts [--seeds 1-10] [--configs correct,forget-promises,skip-phase1]
//          [--out DIR] [-- extra faultline run arguments, e.g. --time-limit 20]
// Prints one line per run as it completes (config, seed, verdict, wall time, the stats line),
// then per config: the seeds that came out as expected, out of all.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PAXOS_BUGS } from '../dbs/paxos/bugs.js';

const { values: a, positionals: extra } = parseArgs({
  allowPositionals: true,
  options: {
    seeds: { type: 'string', default: '1-10' },
    configs: { type: 'string', default: ['correct', ...Object.keys(PAXOS_BUGS)].join(',') },
    out: { type: 'string' },
  },
});
const [lo, hi] = a.seeds.split('-').map(Number) as [number, number | undefined];
const seeds = Array.from({ length: (hi ?? lo) - lo + 1 }, (_, i) => lo + i);
const configs = a.configs.split(',');
const out = a.out ?? mkdtempSync(join(tmpdir(), 'faultline-bench-paxos-'));
const cli = new URL('../bin/faultline.js', import.meta.url).pathname;
const VERDICT: Record<number, string> = { 0: 'valid', 1: 'invalid', 2: 'unknown' };

console.log(`faultline run --db paxos --seed N [--bug B] ${extra.join(' ')}  (results in ${out})`);
const tally = new Map<string, { expected: number; runs: number; seeds: string[] }>();
for (const seed of seeds) {
  for (const config of configs) {
    const bug = config === 'correct' ? [] : ['--bug', config];
    const args = [cli, 'run', '--db', 'paxos', '--seed', String(seed), ...bug, '--out', out, '--quiet', ...extra];
    const t0 = Date.now();
    const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
    const verdict = VERDICT[r.status ?? -1] ?? `exit ${r.status ?? r.signal}`;
    const expected = config === 'correct' ? verdict === 'valid' : verdict === 'invalid';
    const t = tally.get(config) ?? { expected: 0, runs: 0, seeds: [] };
    t.runs++;
    if (expected) t.expected++;
    t.seeds.push(`${seed}:${verdict}`);
    tally.set(config, t);
    const stats = /stats: \w+ — (.*)/.exec(r.stdout)?.[1] ?? r.stderr.trim().split('\n').pop() ?? '';
    const why = verdict === 'invalid' ? /linearizable: INVALID — (.*)/.exec(r.stdout)?.[1] ?? '' : '';
    console.log(`${config.padEnd(16)} seed ${String(seed).padStart(2)}  ${verdict.padEnd(8)} ${((Date.now() - t0) / 1000).toFixed(0).padStart(3)} s  ${stats}${why ? `  [${why}]` : ''}`);
  }
}
for (const [config, t] of tally) {
  const what = config === 'correct' ? 'valid' : 'caught (invalid)';
  console.log(`${config}: ${what} in ${t.expected}/${t.runs} seeds  (${t.seeds.join(' ')})`);
}

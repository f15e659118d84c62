// Seed sweep of the built-in Multi-Paxos target (`--db paxos`, lin-kv): the correct node under
// partitions and kills, and each bug switch under the fault that exposes it.
// Usage: npx tsx bench/paxos-seeds.ts [seeds=10] [time-limit-s=20] [config-name-filter]
// Prints one line per run (config, seed, verdict, ops) as it completes, then totals.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '../app/builtins.js';
import { runTest } from '../src/run.js';

const seeds = Number(process.argv[2] ?? 10);
const timeLimitS = Number(process.argv[3] ?? 20);
const out = mkdtempSync(join(tmpdir(), 'faultline-bench-paxos-'));

interface Config { name: string; bug?: string; nemesis: string[]; kill?: string; expect: boolean }
const configs: Config[] = [
  { name: 'correct partition,kill', nemesis: ['partition', 'kill'], expect: true },
  { name: 'skip-phase1 kill=primaries', bug: 'skip-phase1', nemesis: ['kill'], kill: 'primaries', expect: false },
  // Killing a majority mostly costs availability (no quorum while nodes restart), so the
  // forgotten promises rarely matter; killing all of them makes every acceptor forget at once.
  { name: 'forget-promises kill=majority', bug: 'forget-promises', nemesis: ['kill'], kill: 'majority', expect: false },
  { name: 'forget-promises kill=all', bug: 'forget-promises', nemesis: ['kill'], kill: 'all', expect: false },
  { name: 'correct kill=all', nemesis: ['kill'], kill: 'all', expect: true },
].filter((c) => c.name.includes(process.argv[4] ?? ''));
const tally = new Map<string, number>();
for (let seed = 1; seed <= seeds; seed++) {
  for (const c of configs) {
    const t0 = Date.now();
    const o = await runTest({
      db: 'paxos', workload: 'lin-kv', bug: c.bug, nemesis: c.nemesis, nemesisIntervalS: 3, timeLimitS, rate: 100, seed, out, quiet: true,
      nemesisOptions: c.kill ? { kill: c.kill } : {},
    });
    const stats = o.results.results?.stats as { summary?: string } | undefined;
    if (String(o.valid) === String(c.expect)) tally.set(c.name, (tally.get(c.name) ?? 0) + 1);
    console.log(`${c.name.padEnd(32)} seed ${String(seed).padStart(2)}  ${String(o.valid).padEnd(7)} (expect ${c.expect})  ${((Date.now() - t0) / 1000).toFixed(0)} s  ${stats?.summary ?? ''}`);
  }
}
for (const c of configs) console.log(`${c.name}: ${tally.get(c.name) ?? 0}/${seeds} as expected`);

// Seed sweep of Maelstrom's workloads on the Python test programs (test/fixtures/maelstrom/):
// each correct program should be valid in every seed, each broken one invalid in most.
// Usage: npx tsx bench/maelstrom-workloads.ts [seeds=10] [filter]
// Prints one line per configuration: name, expected verdict, verdicts per seed, seconds.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import '../app/builtins.js';
import { runTest } from '../src/run.js';

const seeds = Number(process.argv[2] ?? 10);
const filter = process.argv[3] ?? '';
const prog = (n: string): string => fileURLToPath(new URL(`../test/fixtures/maelstrom/${n}`, import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'faultline-bench-maelstrom-'));

interface Config { name: string; bin: string; workload: string; args?: string; bug?: string; expect: boolean; recoveryS?: number }
const configs: Config[] = [
  { name: 'echo', bin: 'echo.py', workload: 'echo', expect: true },
  { name: 'echo wrong-echo', bin: 'echo.py', workload: 'echo', bug: 'wrong-echo', expect: false },
  { name: 'unique-ids', bin: 'echo.py', workload: 'unique-ids', expect: true },
  { name: 'unique-ids dup-ids', bin: 'echo.py', workload: 'unique-ids', bug: 'dup-ids', expect: false },
  { name: 'g-set gossip 5s', bin: 'gossip.py', workload: 'g-set', args: 'g-set 5', expect: true },
  { name: 'g-set no-retry', bin: 'gossip.py', workload: 'g-set', args: 'g-set 2', bug: 'no-retry', expect: false, recoveryS: 2 },
  { name: 'broadcast grid', bin: 'gossip.py', workload: 'broadcast', args: 'broadcast 2', expect: true },
  { name: 'broadcast no-retry', bin: 'gossip.py', workload: 'broadcast', args: 'broadcast 2', bug: 'no-retry', expect: false, recoveryS: 2 },
  { name: 'pn-counter', bin: 'gossip.py', workload: 'pn-counter', args: 'counter 2', expect: true },
  { name: 'pn-counter no-retry', bin: 'gossip.py', workload: 'pn-counter', args: 'counter 2', bug: 'no-retry', expect: false, recoveryS: 2 },
  { name: 'g-counter', bin: 'gossip.py', workload: 'g-counter', args: 'counter 2', expect: true },
  { name: 'g-counter no-retry', bin: 'gossip.py', workload: 'g-counter', args: 'counter 2', bug: 'no-retry', expect: false, recoveryS: 2 },
  { name: 'lin-kv over lin-kv', bin: 'kv.py', workload: 'lin-kv', args: 'lin-kv', expect: true },
  { name: 'lin-kv over lww-kv', bin: 'kv.py', workload: 'lin-kv', args: 'lww-kv', expect: false },
  { name: 'txn-list-append over lin-kv', bin: 'kv.py', workload: 'txn-list-append', args: 'lin-kv', expect: true },
  { name: 'txn-list-append over lww-kv', bin: 'kv.py', workload: 'txn-list-append', args: 'lww-kv', expect: false },
  { name: 'txn-list-append datomic thunks', bin: 'datomic.py', workload: 'txn-list-append', expect: true },
  { name: 'txn-list-append datomic no-thunk-retry', bin: 'datomic.py', workload: 'txn-list-append', bug: 'no-thunk-retry', expect: false },
  { name: 'txn-rw-register over lin-kv', bin: 'kv.py', workload: 'txn-rw-register', args: 'lin-kv', expect: true },
  { name: 'txn-rw-register over lww-kv', bin: 'kv.py', workload: 'txn-rw-register', args: 'lww-kv', expect: false },
  { name: 'kafka single leader', bin: 'kafka.py', workload: 'kafka', expect: true },
  { name: 'kafka local-log', bin: 'kafka.py', workload: 'kafka', bug: 'local-log', expect: false },
  { name: 'kafka over lin-kv', bin: 'kafka.py', workload: 'kafka', args: 'lin-kv', expect: true },
  { name: 'kafka over lww-kv', bin: 'kafka.py', workload: 'kafka', args: 'lww-kv', expect: false },
];

for (const c of configs.filter((x) => x.name.includes(filter))) {
  const t0 = Date.now();
  const verdicts: string[] = [];
  for (let seed = 1; seed <= seeds; seed++) {
    const o = await runTest({
      bin: prog(c.bin), workload: c.workload, bug: c.bug, nemesis: ['partition'], nemesisIntervalS: 1, timeLimitS: 5, rate: 100, seed, out, quiet: true,
      quiesceS: c.recoveryS, dbOptions: { 'timeout-ms': '500', ...(c.args ? { args: c.args } : {}) },
    });
    verdicts.push(String(o.valid));
  }
  const asExpected = verdicts.filter((v) => v === String(c.expect)).length;
  console.log(`${c.name.padEnd(30)} expect ${String(c.expect).padEnd(5)} ${asExpected}/${seeds} as expected  [${verdicts.join(' ')}]  ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}

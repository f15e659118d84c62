// Benchmark of lazyfs's overhead: write+fdatasync throughput (4 KiB appends; 4 KiB overwrites
// of synced data, where lazyfs copies the old block first) and 1 MiB unsynced writes, in a plain
// directory next to the store and through lazyfs (default: the store is never fsynced; and with
// --sync-backing). Optionally a seed sweep of the model-based fuzz.
// Setups alternate over ROUNDS rounds (the machine is shared and noisy); medians are printed.
// Usage: npm run bench:lazyfs [-- [SECS] [--rounds N] [--fuzz-seeds A-B] [--steps N]]

import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildLazyfs, check, ctl, fuseUnavailable, fuzz, mountLazyfs, unmountAll } from '../test/lazyfs-helpers.js';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const secs = Number(args.find((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--')) ?? 3);
const seeds = flag('--fuzz-seeds');
const steps = Number(flag('--steps') ?? 2000);
const rounds = Number(flag('--rounds') ?? 3);

const why = fuseUnavailable();
if (why) {
  console.error(`bench:lazyfs: ${why}`);
  process.exit(2);
}
const work = mkdtempSync(join(tmpdir(), 'faultline-lazyfs-bench-'));
try {
  const bin = buildLazyfs(join(work, 'build'));
  const plainDir = join(work, 'plain');
  mkdirSync(plainDir);
  const setups = [['plain directory', null], ['lazyfs', []], ['lazyfs --sync-backing', ['--sync-backing']]] as const;
  const results = new Map<string, Array<Record<string, number>>>(setups.map(([l]) => [l, []]));
  for (let round = 0; round < rounds; round++) {
    for (const [label, extra] of setups) {
      let dir = plainDir;
      if (extra) {
        const store = join(work, `store-${round}-${label.length}`);
        const mnt = join(work, `mnt-${round}-${label.length}`);
        mkdirSync(store);
        mkdirSync(mnt);
        await mountLazyfs(bin, store, mnt, [...extra]);
        dir = join(mnt, 'b');
      }
      results.get(label)!.push(JSON.parse(check('bench', dir, String(secs))) as Record<string, number>);
      await unmountAll();
    }
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const keys = Object.keys(results.get('plain directory')![0]!);
  console.log(`lazyfs bench: ${secs} s per measurement, median of ${rounds} rounds`);
  console.log(['setup'.padEnd(24), ...keys.map((k) => k.padStart(30))].join(''));
  for (const [label, rs] of results) {
    console.log([label.padEnd(24), ...keys.map((k) => String(median(rs.map((r) => r[k]!))).padStart(30))].join(''));
  }

  if (seeds) {
    const [a, b] = seeds.split('-').map(Number);
    const store = join(work, 'fuzz-store');
    const mnt = join(work, 'fuzz-mnt');
    mkdirSync(store);
    mkdirSync(mnt);
    const m = await mountLazyfs(bin, store, mnt);
    let failed = 0;
    for (let s = a!; s <= (b ?? a!); s++) {
      ctl(mnt, 'checkpoint');
      const t0 = Date.now();
      try {
        const r = fuzz(mnt, s, steps);
        console.log(`fuzz seed ${s}: ok, ${steps} steps, ${r.power_failures} power failures, ${r.forced_by_dependency} changes durable by dependency, ${Date.now() - t0} ms`);
      } catch (e) {
        failed++;
        const alive = m.proc.exitCode === null && m.proc.signalCode === null;
        console.log(`fuzz seed ${s}: FAILED\n${(e as Error).message}`);
        console.log(`lazyfs ${alive ? 'running' : `exited (code ${m.proc.exitCode}, signal ${m.proc.signalCode})`}; its log ends:\n${m.log().split('\n').slice(-15).join('\n')}`);
        if (!alive) break; // every later seed would fail for the same reason
      }
    }
    console.log(`fuzz: ${failed} of ${(b ?? a!) - a! + 1} seeds failed`);
    await unmountAll();
    if (failed) process.exitCode = 1;
  }
} finally {
  await unmountAll();
  rmSync(work, { recursive: true, force: true });
}

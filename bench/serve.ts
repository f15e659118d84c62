// `faultline serve` benchmark: a results folder of N runs (default 20,000); prints the time to
// build the index, the latency of a tiny file, of the run list and of runs.json (median of 20),
// and the time of a background refresh when nothing changed. One JSON line per measurement.
//   npm run bench:serve        (or: npx tsx bench/serve.ts [runs])

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveResults } from '../app/serve/server.js';

const n = Number(process.argv[2] ?? 20_000);
const base = mkdtempSync(join(tmpdir(), 'fl-bench-serve-'));
const root = join(base, 'results');
for (let i = 0; i < n; i++) {
  const d = join(root, `test-${i % 20}`, `run-${String(i).padStart(6, '0')}`);
  mkdirSync(d, { recursive: true });
  writeFileSync(join(d, 'test.json'), JSON.stringify({ name: `run ${i}`, db: 'raft', workload: 'register', nemesis: ['partition'], seed: i, startedAt: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString() }));
  writeFileSync(join(d, 'results.json'), JSON.stringify({ valid: i % 7 === 0 ? false : true }));
  writeFileSync(join(d, 'tiny.txt'), 'x');
}

const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
async function time(url: string, times = 20): Promise<number> {
  const ms: number[] = [];
  for (let i = 0; i < times; i++) {
    const t = performance.now();
    await (await fetch(url)).arrayBuffer();
    ms.push(performance.now() - t);
  }
  return Math.round(median(ms) * 10) / 10;
}

try {
  let t = performance.now();
  const s = await serveResults({ root, port: 0 });
  await s.index.ready;
  console.log(JSON.stringify({ bench: 'serve', runs: n, indexBuildMs: Math.round(performance.now() - t) }));
  console.log(JSON.stringify({ bench: 'serve', runs: n, tinyFileMs: await time(`${s.url}/r/test-1/run-000001/tiny.txt`) }));
  console.log(JSON.stringify({ bench: 'serve', runs: n, runListMs: await time(`${s.url}/`) }));
  console.log(JSON.stringify({ bench: 'serve', runs: n, runsJsonMs: await time(`${s.url}/runs.json`) }));
  await new Promise((r) => setTimeout(r, 1100)); // past the "written too recently to trust" window
  await s.index.refresh();
  t = performance.now();
  const reads = s.index.reads;
  await s.index.refresh();
  console.log(JSON.stringify({ bench: 'serve', runs: n, unchangedRefreshMs: Math.round(performance.now() - t), filesRead: s.index.reads - reads }));
  await s.close();
} finally {
  rmSync(base, { recursive: true, force: true });
}

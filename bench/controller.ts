// Benchmark: ops/s that generator + controller sustain against an in-process no-op client with
// 50 workers (no history file: ops are counted). Usage: npm run bench:controller [-- --ops N]

import { runController, type Worker } from '../src/controller.js';
import { clients, limit, mix, type Thread, concurrentGenerator } from '../src/generator/index.js';
import { createRng } from '../src/rng.js';

const args = process.argv.slice(2);
const total = Number(args[args.indexOf('--ops') + 1] ?? 0) || 500_000;
const concurrency = 50;

async function bench(name: string, gen: ReturnType<typeof clients>): Promise<void> {
  const workers = new Map<Thread, Worker>();
  const ok = Promise.resolve({ type: 'ok' as const });
  for (let t = 0; t < concurrency; t++) workers.set(t, { invoke: () => ok });
  const t0 = process.hrtime.bigint();
  let count = 0;
  const start = performance.now();
  await runController({ concurrency, generator: gen, workers, rng: createRng(1), now: () => Number(process.hrtime.bigint() - t0), record: () => { count++; } });
  const ms = performance.now() - start;
  const ops = count / 2;
  console.log(JSON.stringify({ bench: name, workers: concurrency, ops, ms: Math.round(ms), opsPerSec: Math.round((ops / ms) * 1000) }));
}

const r = () => ({ f: 'read', value: null });
const w = (ctx: { rng: { int(n: number): number } }) => ({ f: 'write', value: ctx.rng.int(5) });
await bench('mix read/write', clients(limit(total, mix([r, w]))));
await bench('independent keys (10 per key)', clients(limit(total, concurrentGenerator({ perKey: 10, forKey: () => limit(100, mix([r, w])) }))));

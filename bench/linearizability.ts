// Benchmark of the linearizability checker on a folder of histories (Porcupine's test data:
// jepsen/etcd_NNN.log with the cas-register model, kv/*.txt with the kv model). Prints one JSON
// line per file {"file","ops","verdict","minMs","medianMs"} - checking only, parsing excluded,
// like Porcupine's timings - and a total line. Usage:
//   npm run bench:linearizability -- --data DIR [--runs N] [--warmup N] [--model NAME] [--no-partition] [--no-stale-reads] [--only SUBSTR]
//   npm run bench:linearizability -- --sim OPS [--processes P] [--crash-rate R] [--runs N]
// (--sim: a simulated cas-register history, values 0..4, ~2% crashed ops by default)
// The worker pool is started and awaited before timing (--workers N caps the helpers, 0 = this
// thread only); each line says how many threads took part, and the machine's load average.
// --no-stale-reads times the search alone, without the stale-read pre-pass (stale-reads.ts).

import { readdirSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, relative } from 'node:path';
import { readHistory } from '../src/history-io.js';
import { checkLinearizable } from '../checkers/linearizable/index.js';
import { poolReady } from '../src/parallel/pool.js';
import { simulateRegister } from '../checkers/linearizable/sim-register.js';
import type { History } from '../src/history.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const data = arg('--data');
const sim = arg('--sim');
const runs = Number(arg('--runs') ?? 5);
const warmup = Number(arg('--warmup') ?? 5);
const forcedModel = arg('--model');
const partition = !process.argv.includes('--no-partition');
const staleReads = !process.argv.includes('--no-stale-reads');
const only = arg('--only');
const workers = arg('--workers') !== undefined ? Number(arg('--workers')) : undefined;
if (!data && !sim) {
  process.stderr.write('usage: bench/linearizability.ts --data DIR [--runs N] [--warmup N (default 5)] [--model NAME] [--no-partition] [--no-stale-reads] [--only SUBSTR] | --sim OPS [--processes P] [--crash-rate R]\n');
  process.exit(254);
}

const ready = workers === 0 ? 0 : await poolReady();
console.log(JSON.stringify({ poolWorkers: ready, loadavg: loadavg().map((x) => +x.toFixed(2)) }));

function timeIt(history: History, model: string): { verdict: unknown; minMs: number; medianMs: number; threads: number } {
  const times: number[] = [];
  let verdict: unknown;
  let threads = 0;
  // Untimed warm-up runs first: V8 compiles the search, packer and models (in each thread) over
  // the first runs, which a compiled checker like Porcupine never pays; --warmup 0 times them too.
  for (let r = 0; r < warmup; r++) checkLinearizable(history, { model, partition, witness: false, workers, staleReads });
  for (let r = 0; r < runs; r++) {
    const t = performance.now();
    const res = checkLinearizable(history, { model, partition, witness: false, workers, staleReads });
    times.push(performance.now() - t);
    verdict = res.valid;
    threads = Math.max(threads, res.stats.threads);
  }
  times.sort((a, b) => a - b);
  return { verdict, minMs: times[0]!, medianMs: times[Math.floor(times.length / 2)]!, threads };
}

if (sim) {
  const processes = Number(arg('--processes') ?? 20);
  const crashRate = Number(arg('--crash-rate') ?? 0.02);
  const history = simulateRegister({ ops: Number(sim), processes, crashRate, seed: Number(arg('--seed') ?? 1) });
  const crashed = history.filter((op) => op.type === 'info').length;
  const { verdict, minMs, medianMs } = timeIt(history, 'cas-register');
  console.log(JSON.stringify({ file: `sim-cas-register-${sim}`, ops: Number(sim), processes, crashed, verdict, minMs: +minMs.toFixed(3), medianMs: +medianMs.toFixed(3) }));
  process.exit(0);
}

function walk(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((f) => {
      const p = join(dir, f);
      return statSync(p).isDirectory() ? walk(p) : [p];
    });
}

const files = walk(data!).filter((f) => /\.(log|txt|jsonl|edn)$/.test(f) && (!only || f.includes(only)));
let sumMin = 0;
let sumMedian = 0;
let count = 0;
for (const file of files) {
  const history = readHistory(file, { allowEmpty: true }).history; // etcd_095.log is empty: skipped below
  if (history.length === 0) continue;
  const model = forcedModel ?? (/\.txt$/.test(file) || history.some((op) => op.f === 'append' || op.f === 'get') ? 'kv' : 'cas-register');
  const { verdict, minMs, medianMs, threads } = timeIt(history, model);
  sumMin += minMs;
  sumMedian += medianMs;
  count++;
  const ops = history.filter((op) => op.type === 'invoke' && typeof op.process === 'number').length;
  console.log(JSON.stringify({ file: relative(data!, file), ops, verdict, minMs: +minMs.toFixed(3), medianMs: +medianMs.toFixed(3), threads }));
}
console.log(JSON.stringify({ total: true, files: count, runs, warmup, sumMinMs: +sumMin.toFixed(3), sumMedianMs: +sumMedian.toFixed(3), loadavg: loadavg().map((x) => +x.toFixed(2)) }));

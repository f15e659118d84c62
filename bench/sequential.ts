// Benchmark of the sequential-consistency checker on histories from the lagging-replica simulator
// (sequentially consistent by construction; stale reads make them non-linearizable).
// Prints one JSON line per case {"case","processes","opsPerProcess","ops","verdict","states","minMs","medianMs"}.
// Usage: npm run bench:sequential -- [--runs N] [--processes P] [--ops N]

import { checkSequential } from '../checkers/sequential/index.js';
import { laggingReplicaHistory, type LaggingSimOptions } from '../checkers/sequential/lagging-sim.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const runs = Number(arg('--runs') ?? 3);
const processes = Number(arg('--processes') ?? 10);
const opsPerProcess = Number(arg('--ops') ?? 1000);

const cases: [string, Partial<LaggingSimOptions>][] = [
  ['register, unique values', {}],
  ['register, values 1-5', { valueRange: 5 }],
  ['register, crashed writes', { crashRatio: 0.02 }],
  ['3 keys, unique values', { keys: 3 }],
  ['3 keys, values 1-5', { keys: 3, valueRange: 5 }],
  ['10 keys, unique values, crashed writes', { keys: 10, crashRatio: 0.02 }],
  ['3 keys, values 1-5, crashed writes', { keys: 3, valueRange: 5, crashRatio: 0.01 }],
];

for (const [name, o] of cases) {
  const h = laggingReplicaHistory({ processes, opsPerProcess, seed: 42, ...o });
  const times: number[] = [];
  let verdict: unknown;
  let states: unknown;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const r = await checkSequential(h, { timeLimitMs: 30_000 });
    times.push(performance.now() - t);
    verdict = r.valid;
    states = (r.stats as { states: number }).states;
  }
  times.sort((a, b) => a - b);
  const ops = h.filter((op) => op.type === 'invoke').length;
  console.log(JSON.stringify({ case: name, processes, opsPerProcess, ops, verdict, states, minMs: Math.round(times[0]!), medianMs: Math.round(times[times.length >> 1]!) }));
}

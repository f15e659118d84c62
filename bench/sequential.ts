// Benchmark of the sequential-consistency checker on histories from the lagging-replica simulator
// (sequentially consistent by construction; stale reads make them non-linearizable).
// Prints one JSON line per case {"case","processes","opsPerProcess","ops","verdict","states","minMs","medianMs"}.
// Usage: npm run bench:sequential -- [--runs N] [--processes P] [--ops N]

import type { History } from '../src/history.js';
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

/** Makes one read go back to a value its process had seen overwritten: a violation to find. */
function injectBackwardsRead(h: History): History {
  const reads = h.filter((op) => op.type === 'ok' && op.f === 'read' && op.value !== null);
  const a = reads[Math.floor(reads.length / 2)]!;
  const later = reads.filter((op) => op.process === a.process && op.index > a.index && op.value !== a.value);
  const b = later[Math.min(2, later.length - 1)];
  const old = reads.find((op) => op.index < a.index - 100 && op.value !== a.value);
  if (!b || !old) throw new Error('could not inject a backwards read');
  b.value = old.value;
  return h;
}

const all: [string, Partial<LaggingSimOptions>, boolean][] = [
  ...cases.map(([n, o]): [string, Partial<LaggingSimOptions>, boolean] => [n, o, false]),
  ['register, unique values, one backwards read (invalid)', {}, true],
  ['register, crashed writes, one backwards read (invalid)', { crashRatio: 0.02 }, true],
];

for (const [name, o, inject] of all) {
  const h0 = laggingReplicaHistory({ processes, opsPerProcess, seed: 42, ...o });
  const h = inject ? injectBackwardsRead(h0) : h0;
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

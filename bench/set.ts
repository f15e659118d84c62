// Benchmark of the set checkers on 1,000,000 adds (configurable): a replicated set with lagging
// replicas, periodic reads from every node and final reads after healing. Generation is excluded
// from the timings. Prints one JSON line per checker {"checker","adds","reads","readElements","verdict","minMs","medianMs"}.
// Usage: npm run bench:set -- [--adds N] [--reads R] [--runs N]

import type { History, Op } from '../src/history.js';
import { checkSetFull } from '../checkers/set/set-full.js';
import { checkSet } from '../checkers/set/simple-set.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const adds = Number(arg('--adds') ?? 1_000_000);
const nReads = Number(arg('--reads') ?? 50);
const runs = Number(arg('--runs') ?? 3);
const nodes = 5;

function generate(): { h: History; readElements: number } {
  const h: Op[] = [];
  const push = (op: Omit<Op, 'index'>): void => void h.push({ ...op, index: h.length } as Op);
  const every = Math.max(1, Math.floor(adds / nReads));
  const lag = every * 2; // replicas see adds about two read periods late
  let readElements = 0;
  let t = 0;
  for (let i = 0; i < adds; i++) {
    const p = i % 10;
    t += 1000;
    push({ time: t, type: 'invoke', process: p, f: 'add', value: i, node: `n${(p % nodes) + 1}` });
    push({ time: t + 500, type: 'ok', process: p, f: 'add', value: i, node: `n${(p % nodes) + 1}` });
    if (i % every === every - 1) {
      const node = (i / every) % nodes;
      const visible = Math.max(0, i + 1 - Math.floor(lag * (node / nodes)));
      const value = new Array<number>(visible);
      for (let e = 0; e < visible; e++) value[e] = e;
      readElements += visible;
      push({ time: t + 600, type: 'invoke', process: 100 + node, f: 'read', value: null, node: `n${node + 1}` });
      push({ time: t + 900, type: 'ok', process: 100 + node, f: 'read', value, node: `n${node + 1}` });
    }
  }
  for (let node = 0; node < nodes; node++) {
    const value = Array.from({ length: adds }, (_, e) => e);
    readElements += adds;
    push({ time: t + 10_000, type: 'invoke', process: 100 + node, f: 'read', value: null, node: `n${node + 1}`, final: true });
    push({ time: t + 20_000, type: 'ok', process: 100 + node, f: 'read', value, node: `n${node + 1}`, final: true });
  }
  return { h, readElements };
}

const g0 = performance.now();
const { h, readElements } = generate();
console.error(`generated ${h.length} events (${readElements} read elements) in ${Math.round(performance.now() - g0)} ms`);
for (const [name, f] of [['set-full', () => checkSetFull(h)], ['set', () => checkSet(h)]] as const) {
  const times: number[] = [];
  let verdict: unknown;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    verdict = f().valid;
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  console.log(JSON.stringify({ checker: name, adds, reads: nReads + nodes, readElements, verdict, minMs: Math.round(times[0]!), medianMs: Math.round(times[times.length >> 1]!) }));
}

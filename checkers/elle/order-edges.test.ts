// Real-time edges are a transitive reduction of "a completed ok before b was invoked": on random
// concurrent histories (ok, info and failed txns, some never completed) the edges reach exactly
// the pairs that definition names, and there are far fewer of them than pairs.

import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/rng.js';
import { EdgeBuf, RT } from './graph.js';
import { addRealtimeEdges } from './order-edges.js';
import { FAIL, INFO, OK, type Txns } from './txn.js';

function randomTxns(seed: number, n: number, procs: number): Txns {
  const rng = createRng(seed);
  const status: number[] = [];
  const events: number[] = [];
  const open = new Map<number, number>();
  while (status.length < n || open.size) {
    const p = rng.int(procs);
    const x = open.get(p);
    if (x === undefined) {
      if (status.length >= n) continue;
      const t = status.length;
      const r = rng.next();
      status.push(r < 0.7 ? OK : r < 0.85 ? INFO : FAIL);
      open.set(p, t);
      events.push(t + 1);
    } else {
      open.delete(p);
      if (status[x] === INFO && rng.next() < 0.5) continue; // never completes
      events.push(-(x + 1));
    }
  }
  return { n, status: Uint8Array.from(status), index: new Int32Array(n), invokeIndex: new Int32Array(n), process: [], mops: [], events: Int32Array.from(events) };
}

describe('real-time edges', () => {
  it('reach exactly the pairs completed-ok-before-invoked, with few edges', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const t = randomTxns(seed, 120, 1 + (seed % 9));
      const b = new EdgeBuf();
      addRealtimeEdges(t, b);
      const out: number[][] = Array.from({ length: t.n }, () => []);
      for (let i = 0; i < b.length; i++) {
        expect(b.kind[i]).toBe(RT);
        out[b.src[i]!]!.push(b.dst[i]!);
      }
      const done = new Int32Array(t.n).fill(-1);
      const inv = new Int32Array(t.n).fill(-1);
      t.events.forEach((ev, e) => (ev > 0 ? (inv[ev - 1] = e) : (done[-ev - 1] = e)));
      let pairs = 0;
      const wrong: string[] = [];
      for (let a = 0; a < t.n; a++) {
        const seen = new Uint8Array(t.n);
        const stack = [...out[a]!];
        while (stack.length) {
          const v = stack.pop()!;
          if (seen[v]) continue;
          seen[v] = 1;
          stack.push(...out[v]!);
        }
        for (let c = 0; c < t.n; c++) {
          const want = t.status[a] === OK && t.status[c] !== FAIL && done[a]! >= 0 && done[a]! < inv[c]!;
          if (!!seen[c] !== want) wrong.push(`seed ${seed}: ${a} -> ${c} should${want ? '' : ' not'} be ordered`);
          if (want) pairs++;
        }
      }
      expect(wrong).toEqual([]);
      if (pairs > 500) expect(b.length).toBeLessThan(pairs / 2);
    }
  });
});

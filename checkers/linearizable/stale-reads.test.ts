// The stale-read pre-pass: what it proves (a later read that cannot follow an earlier one, with
// nothing that could make it legal in between), what it must not claim (a write, put or crashed
// op that may come in between), and - over many random histories - that every pair it reports is
// a violation the search alone confirms.

import { describe, expect, it } from 'vitest';
import type { Op } from '../../src/history.js';
import { createRng } from '../../src/rng.js';
import { checkLinearizable, models, prepare, type ModelOp } from './index.js';
import { findStaleRead } from './stale-reads.js';

type Row = [number, Op['type'], string, unknown];

/** Ops from [process, type, f, value] rows, in order (index = time = position). */
function history(rows: Row[]): Op[] {
  return rows.map(([process, type, f, value], index) => ({ index, time: index, type, process, f, value }));
}

function opsOf(rows: Row[], model: 'kv' | 'cas-register'): ModelOp[] {
  const p = prepare(history(rows), models[model]!, { independent: false, partition: false });
  expect(p.partitions.length).toBe(1);
  return p.partitions[0]!.ops;
}

const stale = (rows: Row[], model: 'kv' | 'cas-register') => findStaleRead(models[model]!, opsOf(rows, model));

describe('registers', () => {
  const base: Row[] = [
    [0, 'invoke', 'write', 1],
    [0, 'ok', 'write', 1],
    [0, 'invoke', 'write', 2],
    [0, 'ok', 'write', 2],
    [1, 'invoke', 'read', null],
    [1, 'ok', 'read', 2],
  ];

  it('finds a read of an older value after a read of the newer one', () => {
    const rows: Row[] = [...base, [2, 'invoke', 'read', null], [2, 'ok', 'read', 1]];
    const found = stale(rows, 'cas-register');
    expect(found).toBeDefined();
    const ops = opsOf(rows, 'cas-register');
    expect(ops[found!.a]!.output).toBe(2);
    expect(ops[found!.b]!.output).toBe(1);
  });

  it('claims nothing when a write of the value read may come in between', () => {
    const rows: Row[] = [...base, [3, 'invoke', 'write', 1], [2, 'invoke', 'read', null], [2, 'ok', 'read', 1], [3, 'ok', 'write', 1]];
    expect(stale(rows, 'cas-register')).toBeUndefined();
    expect(checkLinearizable(history(rows), { model: 'cas-register', workers: 0 }).valid).toBe(true);
  });

  it('claims nothing when a crashed cas to the value was invoked before the read returned', () => {
    const rows: Row[] = [...base, [3, 'invoke', 'cas', [2, 1]], [2, 'invoke', 'read', null], [2, 'ok', 'read', 1], [3, 'info', 'cas', [2, 1]]];
    expect(stale(rows, 'cas-register')).toBeUndefined();
    expect(checkLinearizable(history(rows), { model: 'cas-register', workers: 0 }).valid).toBe(true);
  });

  it('claims nothing for reads that overlap (no real-time order between them)', () => {
    const rows: Row[] = [...base.slice(0, 4), [1, 'invoke', 'read', null], [2, 'invoke', 'read', null], [1, 'ok', 'read', 2], [2, 'ok', 'read', 1]];
    expect(stale(rows, 'cas-register')).toBeUndefined();
  });
});

describe('kv', () => {
  const base: Row[] = [
    [0, 'invoke', 'append', ['k', 'a']],
    [0, 'ok', 'append', ['k', 'a']],
    [0, 'invoke', 'append', ['k', 'b']],
    [0, 'ok', 'append', ['k', 'b']],
    [1, 'invoke', 'get', ['k', null]],
    [1, 'ok', 'get', ['k', 'ab']],
  ];

  it('finds a get that lost an append an earlier get saw, and the witness says so', () => {
    const rows: Row[] = [...base, [2, 'invoke', 'get', ['k', null]], [2, 'ok', 'get', ['k', 'a']]];
    expect(stale(rows, 'kv')).toBeDefined();
    const r = checkLinearizable(history(rows), { model: 'kv', workers: 0, partition: false });
    expect(r.valid).toBe(false);
    expect(r.witness!.text).toMatch(/Stale read: p2 get "k" → "a" \(ops 6\.\.7\) was invoked after p1 get "k" → "ab" \(ops 4\.\.5\) returned/);
  });

  it('a put in between only rescues a get that starts with what it put', () => {
    // put "zz" may come between the gets; the later get "a" still cannot follow "ab" (nor "zz").
    const rows: Row[] = [...base, [3, 'invoke', 'put', ['k', 'zz']], [2, 'invoke', 'get', ['k', null]], [2, 'ok', 'get', ['k', 'a']], [3, 'ok', 'put', ['k', 'zz']]];
    expect(stale(rows, 'kv')).toBeDefined();
    expect(checkLinearizable(history(rows), { model: 'kv', workers: 0, staleReads: false, witness: false }).valid).toBe(false);
    // A put of "a" can: put "a", then the get.
    const ok: Row[] = [...base, [3, 'invoke', 'put', ['k', 'a']], [2, 'invoke', 'get', ['k', null]], [2, 'ok', 'get', ['k', 'a']], [3, 'ok', 'put', ['k', 'a']]];
    expect(stale(ok, 'kv')).toBeUndefined();
    expect(checkLinearizable(history(ok), { model: 'kv', workers: 0 }).valid).toBe(true);
  });

  it('claims nothing when a put of the key may come in between, or the later get extends the earlier', () => {
    expect(stale([...base, [3, 'invoke', 'put', ['k', 'a']], [2, 'invoke', 'get', ['k', null]], [2, 'ok', 'get', ['k', 'a']], [3, 'ok', 'put', ['k', 'a']]], 'kv')).toBeUndefined();
    expect(stale([...base, [2, 'invoke', 'get', ['k', null]], [2, 'ok', 'get', ['k', 'abc']]], 'kv')).toBeUndefined();
  });

  it('never relates gets of different keys in one map (no split by key)', () => {
    const rows: Row[] = [...base, [2, 'invoke', 'get', ['j', null]], [2, 'ok', 'get', ['j', 'x']]];
    expect(stale(rows, 'kv')).toBeUndefined();
  });
});

describe('bounds', () => {
  it('gives up at its deadline, and finds the pair without one', () => {
    // 3,000 reads of 1, then a read of 2 and a read of 1 again: the pair is at the very end.
    const rows: Row[] = [[0, 'invoke', 'write', 1], [0, 'ok', 'write', 1], [0, 'invoke', 'write', 2], [0, 'ok', 'write', 2], [0, 'invoke', 'write', 1], [0, 'ok', 'write', 1]];
    for (let i = 0; i < 3000; i++) rows.push([1, 'invoke', 'read', null], [1, 'ok', 'read', 1]);
    rows.push([1, 'invoke', 'read', null], [1, 'ok', 'read', 2], [1, 'invoke', 'read', null], [1, 'ok', 'read', 1]);
    const ops = opsOf(rows, 'cas-register');
    expect(findStaleRead(models['cas-register']!, ops)).toBeDefined();
    expect(findStaleRead(models['cas-register']!, ops, performance.now() - 1)).toBeUndefined();
  });
});

describe('soundness on random histories', () => {
  // Small histories (few processes, short) so that the search alone decides every one: each
  // pair the pre-pass reports must be a history the search refutes.
  function randomKv(seed: number): Op[] {
    const rng = createRng(seed);
    const rows: Row[] = [];
    let value = '';
    const open = new Map<number, [string, string]>();
    for (let i = 0; i < 40; i++) {
      const p = rng.int(4);
      const o = open.get(p);
      if (!o) {
        const f = ['get', 'get', 'append', 'put'][rng.int(4)]!;
        const v = f === 'get' ? null : `${'xyz'[rng.int(3)]}`;
        open.set(p, [f, v ?? '']);
        rows.push([p, 'invoke', f, ['k', v]]);
        continue;
      }
      open.delete(p);
      const [f, v] = o;
      if (f === 'append') value += v;
      if (f === 'put') value = v;
      if (rng.int(12) === 0 && f !== 'get') {
        rows.push([p, 'info', f, ['k', v]]);
        continue;
      }
      // Now and then a get answers a shortened (stale-looking) value.
      const out = f === 'get' ? (rng.int(6) === 0 ? value.slice(0, rng.int(value.length + 1)) : value) : v;
      rows.push([p, 'ok', f, ['k', out]]);
    }
    return history(rows);
  }

  function randomRegister(seed: number): Op[] {
    const rng = createRng(seed);
    const rows: Row[] = [];
    let value: number | null = null;
    const open = new Map<number, [string, unknown]>();
    for (let i = 0; i < 40; i++) {
      const p = rng.int(4);
      const o = open.get(p);
      if (!o) {
        const f = ['read', 'read', 'write', 'cas'][rng.int(4)]!;
        const v = f === 'read' ? null : f === 'write' ? rng.int(3) : [rng.int(3), rng.int(3)];
        open.set(p, [f, v]);
        rows.push([p, 'invoke', f, v]);
        continue;
      }
      open.delete(p);
      const [f, v] = o;
      if (f !== 'read' && rng.int(10) === 0) {
        rows.push([p, 'info', f, v]);
        continue;
      }
      if (f === 'write') value = v as number;
      if (f === 'cas') {
        const [from, to] = v as [number, number];
        if (value !== from) {
          rows.push([p, 'fail', f, v]);
          continue;
        }
        value = to;
      }
      rows.push([p, 'ok', f, f === 'read' ? (rng.int(6) === 0 ? rng.int(3) : value) : v]);
    }
    return history(rows);
  }

  for (const [model, make] of [['kv', randomKv], ['cas-register', randomRegister]] as const) {
    it(`${model}: every reported stale read is a violation the search confirms`, () => {
      let reported = 0;
      let invalid = 0;
      for (let seed = 1; seed <= 400; seed++) {
        const h = make(seed);
        const opts = { model, workers: 0, witness: false, partition: false, independent: false, timeLimitMs: 20_000 } as const;
        const search = checkLinearizable(h, { ...opts, staleReads: false });
        const pre = checkLinearizable(h, opts);
        expect(pre.valid, `seed ${seed}`).toBe(search.valid);
        if (search.valid === false) invalid++;
        const ops = prepare(h, models[model]!, { independent: false, partition: false }).partitions[0]?.ops ?? [];
        if (findStaleRead(models[model]!, ops)) {
          reported++;
          expect(search.valid, `seed ${seed}: a stale read in a linearizable history`).toBe(false);
        }
      }
      // The generator makes both kinds, and the pre-pass proves a good share of the violations.
      expect(reported).toBeGreaterThan(20);
      expect(invalid).toBeGreaterThan(reported - 1);
      expect(invalid).toBeLessThan(380);
    });
  }
});

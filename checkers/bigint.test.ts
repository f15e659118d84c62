// Integers beyond 2^53 (bigint, as the history readers deliver them) through every checker and
// model: compared exactly (2^53 and 2^53+1 differ), never a crash, every digit in the explanations.

import { describe, expect, it } from 'vitest';
import type { History } from '../src/history.js';
import { HistoryBuilder } from './history-builder.js';
import { checkLinearizable } from './linearizable/index.js';
import { checkSequential } from './sequential/index.js';
import { checkElle } from './elle/index.js';
import { checkUniqueIds } from './unique-ids/index.js';
import { checkSetFull } from './set/set-full.js';
import { checkSet } from './set/simple-set.js';
import { checkCounter } from './counter/index.js';
import { checkBank } from './bank/index.js';
import { checkQueue, checkTotalQueue } from './queue/index.js';
import { checkLock } from './lock/index.js';
import { build, seq } from './elle/test-helpers.js';
import { createChecker } from './registry.js';
import './index.js';

const A = 9007199254740993n; // 2^53 + 1
const B = 9007199254740992n; // 2^53
const MAX63 = 2n ** 63n - 1n;

/** Sequential ops, each invoked and completed before the next: [process, f, value, output]. */
function serial(ops: [number, string, unknown, unknown][]): History {
  const b = new HistoryBuilder();
  for (const [p, f, v, out] of ops) b.op(p, f, v, 'ok', out);
  return b.history();
}

const lin = (h: History, model: string) => checkLinearizable(h, { model, timeLimitMs: 10_000 });

describe('linearizability models with 64-bit values', () => {
  it('register and cas-register: a read of 2^53 after a write of 2^53+1 is not linearizable', () => {
    for (const model of ['register', 'cas-register']) {
      const bad = lin(serial([[0, 'write', A, A], [1, 'read', null, B]]), model);
      expect(bad.valid).toBe(false);
      expect(bad.witness!.ops.map((o) => o.label).join(' ')).toContain('read → 9007199254740992');
      // 2^53 was written, but before 2^53+1: the register holds 2^53+1 when it is read.
      const stale = lin(serial([[0, 'write', B, B], [0, 'write', A, A], [1, 'read', null, B]]), model);
      expect(stale.valid).toBe(false);
      expect(stale.anomalies[0]!.message).toContain('could be 9007199254740993');
      expect(lin(serial([[0, 'write', A, A], [1, 'read', null, A]]), model).valid).toBe(true);
    }
    const cas = lin(serial([[0, 'write', A, A], [1, 'cas', [B, 1], [B, 1]]]), 'cas-register');
    expect(cas.valid).toBe(false);
  });

  it('independent keys that differ only past 2^53 are different keys', () => {
    const h = serial([[0, 'write', [A, 1], [A, 1]], [1, 'write', [B, 2], [B, 2]], [2, 'read', [A, null], [A, 1]]]);
    const r = lin(h, 'cas-register');
    expect(r.valid).toBe(true);
    expect(r.partitions).toBe(2);
    const bad = lin(serial([[0, 'write', [A, 1], [A, 1]], [2, 'read', [A, null], [A, 2]]]), 'cas-register');
    expect(bad.summary).toContain('on key 9007199254740993');
  });

  it('kv, multi-register, set, counter, queues', () => {
    expect(lin(serial([[0, 'put', ['k', A], ['k', A]], [1, 'get', ['k', null], ['k', B]]]), 'kv').valid).toBe(false);
    expect(lin(serial([[0, 'put', ['k', A], ['k', A]], [1, 'get', ['k', null], ['k', A]]]), 'kv').valid).toBe(true);
    const mr = (out: unknown) => lin(serial([[0, 'txn', [['w', 'x', A]], [['w', 'x', A]]], [1, 'txn', [['r', 'x', null]], [['r', 'x', out]]]]), 'multi-register');
    expect(mr(B).valid).toBe(false);
    expect(mr(A).valid).toBe(true);
    const set = (read: unknown[]) => lin(serial([[0, 'add', A, A], [0, 'add', B, B], [1, 'read', null, read]]), 'set');
    expect(set([A]).valid).toBe(false);
    expect(set([B, A]).valid).toBe(true);
    // 2^53 + 1 is exact only in bigint: 2^53 as a double plus 1 rounds back to 2^53.
    const counter = (read: unknown) => lin(serial([[0, 'add', 2 ** 53, 2 ** 53], [0, 'add', 1, 1], [1, 'read', null, read]]), 'counter');
    expect(counter(A).valid).toBe(true);
    expect(counter(B).valid).toBe(false);
    expect(lin(serial([[0, 'add', A, A], [1, 'read', null, A]]), 'counter').valid).toBe(true);
    for (const model of ['fifo-queue', 'unordered-queue']) {
      expect(lin(serial([[0, 'enqueue', A, A], [1, 'dequeue', null, B]]), model).valid).toBe(false);
      expect(lin(serial([[0, 'enqueue', A, A], [1, 'dequeue', null, A]]), model).valid).toBe(true);
    }
  });
});

describe('sequential consistency with 64-bit values', () => {
  it('a read of a value nobody wrote is found, and named with all its digits', async () => {
    const bad = await checkSequential(serial([[0, 'write', A, A], [0, 'read', null, B]]), { model: 'register' });
    expect(bad.valid).toBe(false);
    expect(String(bad.summary)).toContain('9007199254740992');
    expect((await checkSequential(serial([[0, 'write', A, A], [1, 'read', null, A]]), { model: 'register' })).valid).toBe(true);
  });
});

describe('Elle element identity with 64-bit values', () => {
  it('list-append: distinct 64-bit elements are never merged, and cycles print them exactly', () => {
    const ok = checkElle(build([...seq(0, [['append', 'x', A]]), ...seq(1, [['append', 'x', B]]), ...seq(2, [['r', 'x', [A, B]]])]), 'list-append');
    expect(ok.valid).toBe(true);
    // Read skew over 64-bit elements: a G-single cycle whose text names them exactly.
    const steps = build([
      ['invoke', 0, [['r', 'x', null], ['r', 'y', null]]],
      ['invoke', 1, [['append', 'x', A], ['append', 'y', B]]],
      ['ok', 1, [['append', 'x', A], ['append', 'y', B]]],
      ['ok', 0, [['r', 'x', []], ['r', 'y', [B]]]],
    ]);
    const r = checkElle(steps, 'list-append');
    expect(r.anomalyTypes).toEqual(['G-single']);
    expect(r.examples['G-single']![0]!.text).toContain('9007199254740993');
    expect(r.examples['G-single']![0]!.text).toContain('9007199254740992');
  });

  it('list-append: 1n and 1 are one element (no garbage read), 2^53 is not 2^53+1', () => {
    expect(checkElle(build([...seq(0, [['append', 'x', 1n]]), ...seq(1, [['r', 'x', [1]]])]), 'list-append').valid).toBe(true);
    const g = checkElle(build([...seq(0, [['append', 'x', A]]), ...seq(1, [['r', 'x', [B]]])]), 'list-append');
    expect(g.anomalyTypes).toContain('garbage-read');
    expect(g.examples['garbage-read']![0]!.text).toContain('9007199254740992');
  });

  it('rw-register: a read of 2^53 after a write of 2^53+1 is a garbage read', () => {
    const r = checkElle(build([...seq(0, [['w', 'x', A]]), ...seq(1, [['r', 'x', B]])]), 'rw-register');
    expect(r.anomalyTypes).toEqual(['garbage-read']);
    expect(r.examples['garbage-read']![0]!.text).toContain('9007199254740992');
    expect(checkElle(build([...seq(0, [['w', 'x', A]]), ...seq(1, [['r', 'x', A]])]), 'rw-register').valid).toBe(true);
  });
});

describe('other checkers with 64-bit values', () => {
  it('unique-ids: 2^63-1 and 2^63-2 are distinct; a true duplicate is found', () => {
    const b = new HistoryBuilder();
    b.op(0, 'generate', null, 'ok', MAX63);
    b.op(1, 'generate', null, 'ok', MAX63 - 1n);
    const r = checkUniqueIds(b.history());
    expect(r.valid).toBe(true);
    expect(r.range).toEqual([MAX63 - 1n, MAX63]);
    b.op(2, 'generate', null, 'ok', MAX63);
    const d = checkUniqueIds(b.history());
    expect(d.valid).toBe(false);
    expect(d.anomalies![0]!.message).toContain('9223372036854775807');
  });

  it('set and set-full: 2^53 is not 2^53+1', () => {
    const h = (read: unknown[]) => {
      const b = new HistoryBuilder();
      b.op(0, 'add', A, 'ok', A);
      b.op(0, 'add', B, 'ok', B);
      b.op(1, 'read', null, 'ok', read, { final: true });
      return b.history();
    };
    expect(checkSetFull(h([A, B])).valid).toBe(true);
    const lost = checkSetFull(h([A]));
    expect(lost.valid).toBe(false);
    expect(lost.lost).toEqual([B]);
    expect(checkSet(h([B])).lost).toEqual([A]);
  });

  it('counter: exact bounds past 2^53', () => {
    const h = (read: unknown) => serial([[0, 'add', 2 ** 53, 2 ** 53], [0, 'add', 1, 1], [1, 'read', null, read]]);
    expect(checkCounter(h(A)).valid).toBe(true);
    const bad = checkCounter(h(B));
    expect(bad.valid).toBe(false);
    expect(bad.anomalies![0]!.message).toContain('[9007199254740993, 9007199254740993]');
    expect(checkCounter(serial([[0, 'add', A, A], [1, 'read', null, A]])).valid).toBe(true);
  });

  it('bank: totals past 2^53 are summed exactly', () => {
    const big = 2n ** 60n;
    const h = serial([
      [0, 'read', null, { a: big, b: big }],
      [1, 'read', null, { a: big + 1n, b: big - 1n }],
      [2, 'read', null, { a: big + 1n, b: big }],
    ]);
    const r = checkBank(h, { total: 2n * big });
    expect(r.valid).toBe(false);
    expect(r.errorTypes).toEqual({ 'wrong-total': 1 });
    expect(r.anomalies![0]!.message).toContain('2305843009213693953');
  });

  it('queues and locks', () => {
    const tq = checkTotalQueue(serial([[0, 'enqueue', A, A], [1, 'dequeue', null, B]]));
    expect(tq.valid).toBe(false);
    expect(tq.unexpected).toEqual([B]);
    expect(tq.lost).toEqual([A]);
    expect(checkTotalQueue(serial([[0, 'enqueue', A, A], [1, 'dequeue', null, A]])).valid).toBe(true);
    expect(checkQueue(serial([[0, 'enqueue', A, A], [1, 'dequeue', null, B]])).valid).toBe(false);
    // Locks named by 64-bit ids: two different locks may be held at once.
    const b = new HistoryBuilder();
    b.invoke(0, 'acquire', A); b.complete('ok', 0, 'acquire', A);
    b.invoke(1, 'acquire', B); b.complete('ok', 1, 'acquire', B);
    expect(checkLock(b.history()).valid).toBe(true);
    b.invoke(2, 'acquire', A); b.complete('ok', 2, 'acquire', A);
    expect(checkLock(b.history()).valid).toBe(false);
  });
});

describe('--opt init with 64-bit values', () => {
  it('keeps an integer initial value exact, for linearizability and sequential consistency alike', async () => {
    const h = serial([[1, 'read', null, A]]);
    for (const name of ['linearizable', 'sequential']) {
      expect((await createChecker(name, { model: 'register', init: '9007199254740993' }).check(h, {})).valid).toBe(true);
      expect((await createChecker(name, { model: 'register', init: '9007199254740992' }).check(h, {})).valid).toBe(false);
      // A number given on the command line is a number, not the string "5".
      expect((await createChecker(name, { model: 'register', init: '5' }).check(serial([[1, 'read', null, 5]]), {})).valid).toBe(true);
    }
    // Inside JSON such an integer would be rounded by the parser: refused, never changed.
    expect(() => createChecker('linearizable', { model: 'multi-register', init: '{"x": 9007199254740993}' })).toThrow(/beyond 2\^53/);
  });
});

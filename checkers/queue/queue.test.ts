import { describe, expect, it } from 'vitest';
import { HistoryBuilder } from '../history-builder.js';
import { checkQueue, checkTotalQueue } from './index.js';

function base(): HistoryBuilder {
  const b = new HistoryBuilder();
  b.op(0, 'enqueue', 1);
  b.op(0, 'enqueue', 2);
  b.op(0, 'enqueue', 3, 'info', null);
  return b;
}

describe('total-queue', () => {
  it('accepts every acknowledged element dequeued once, crashed ones recovered', () => {
    const b = base();
    b.op(1, 'dequeue', null, 'ok', 2);
    b.op(1, 'drain', null, 'ok', [1, 3]);
    const r = checkTotalQueue(b.history());
    expect(r.valid).toBe(true);
    expect(r.recovered).toEqual([3]);
  });
  it('finds lost, duplicated and unexpected elements', () => {
    const b = base();
    b.op(1, 'dequeue', null, 'ok', 2);
    b.op(1, 'dequeue', null, 'ok', 2);
    b.op(1, 'dequeue', null, 'ok', 9);
    const r = checkTotalQueue(b.history());
    expect(r.valid).toBe(false);
    expect(r.lost).toEqual([1]);
    expect(r.duplicated).toEqual([2]);
    expect(r.unexpected).toEqual([9]);
  });
  it('judges nothing lost when every final drain failed or timed out: unknown, not invalid', () => {
    const b = base();
    b.op(1, 'dequeue', null, 'ok', 2);
    b.op(1, 'drain', null, 'info', null);
    const r = checkTotalQueue(b.history());
    expect(r.valid).toBe('unknown');
    expect(r.lostCount).toBe(0);
    expect(r.undrained).toEqual([1]);
    expect(r.summary).toMatch(/1 not dequeued \(no final drain completed: not judged lost\)/);
    // Something dequeued that was never enqueued is wrong whatever the drain did.
    b.op(1, 'dequeue', null, 'ok', 9);
    expect(checkTotalQueue(b.history()).valid).toBe(false);
    // A completed drain settles it: what it did not return is lost.
    const c = base();
    c.op(1, 'drain', null, 'info', null);
    c.op(1, 'drain', null, 'ok', [2]);
    expect(checkTotalQueue(c.history()).valid).toBe(false);
  });
  it('a drain that came back ok but incomplete (it ran out of time) does not settle what was lost', () => {
    const b = base();
    b.op(1, 'drain', null, 'ok', [2], { error: 'drain incomplete after 4 s' });
    const r = checkTotalQueue(b.history());
    expect(r.valid).toBe('unknown');
    expect(r.undrained).toEqual([1]);
    expect(r.lostCount).toBe(0);
    // Another client's drain that did empty the queue settles it.
    b.op(2, 'drain', null, 'ok', []);
    const s = checkTotalQueue(b.history());
    expect(s.valid).toBe(false);
    expect(s.lost).toEqual([1]);
  });
  it('treats values as multisets and allows duplicates unless told otherwise', () => {
    const b = new HistoryBuilder();
    b.op(0, 'enqueue', 7);
    b.op(0, 'enqueue', 7);
    b.op(1, 'dequeue', null, 'ok', 7);
    b.op(1, 'dequeue', null, 'ok', 7);
    expect(checkTotalQueue(b.history()).valid).toBe(true);
    b.op(1, 'dequeue', null, 'ok', 7);
    const r = checkTotalQueue(b.history());
    expect(r.valid).toBe(true);
    expect(r.duplicated).toEqual([7]);
    expect(checkTotalQueue(b.history(), { allowDuplicates: false }).valid).toBe(false);
    expect(checkQueue(b.history()).valid).toBe(false);
  });
});

describe('queue', () => {
  it('accepts an unordered queue history', () => {
    const b = base();
    b.op(1, 'dequeue', null, 'ok', 2);
    b.op(1, 'dequeue', null, 'ok', 1);
    b.op(1, 'dequeue', null, 'ok', null); // 3 may never have been enqueued
    expect(checkQueue(b.history()).valid).toBe(true);
  });
  it('rejects a false empty, a double dequeue and lost elements after a drain', () => {
    const b = base();
    b.op(1, 'dequeue', null, 'ok', null);
    expect(checkQueue(b.history()).anomalies?.[0]?.message).toMatch(/empty/);
    const c = base();
    c.op(1, 'dequeue', null, 'ok', 1);
    c.op(2, 'dequeue', null, 'ok', 1);
    c.op(2, 'drain', null, 'ok', []);
    const r = checkQueue(c.history());
    expect(r.valid).toBe(false);
    expect(r.lost).toEqual([2]);
  });
  it('counts an element dequeued while its enqueue was in flight as gone', () => {
    const b = new HistoryBuilder();
    b.invoke(0, 'enqueue', 1);
    b.op(1, 'dequeue', null, 'ok', 1);
    b.complete('ok', 0, 'enqueue', 1);
    b.op(1, 'dequeue', null, 'ok', null);
    expect(checkQueue(b.history()).valid).toBe(true);
  });
  it('does not call an empty dequeue wrong while another dequeue may have taken the element', () => {
    const b = new HistoryBuilder();
    b.op(0, 'enqueue', 1);
    b.op(1, 'dequeue', null, 'info', null); // crashed: may have taken 1
    b.op(2, 'dequeue', null, 'ok', null);
    expect(checkQueue(b.history()).valid).toBe(true);
  });
});

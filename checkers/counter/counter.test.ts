import { describe, expect, it } from 'vitest';
import { HistoryBuilder } from '../history-builder.js';
import { checkCounter } from './index.js';

describe('counter', () => {
  it('accepts reads within the bounds, with concurrent and crashed adds', () => {
    const b = new HistoryBuilder();
    b.op(0, 'add', 1);
    b.invoke(1, 'add', 5); // concurrent with the next read
    b.invoke(2, 'read');
    b.complete('ok', 2, 'read', 6); // 1 + maybe 5
    b.complete('info', 1, 'add', 5); // crashed: may or may not count later
    b.op(2, 'read', null, 'ok', 1);
    b.op(2, 'read', null, 'ok', 6);
    const r = checkCounter(b.history());
    expect(r.valid).toBe(true);
  });
  it('rejects a read below the acknowledged sum or above everything attempted', () => {
    const b = new HistoryBuilder();
    b.op(0, 'add', 2);
    b.op(0, 'add', 3);
    b.op(1, 'read', null, 'ok', 4); // must be 5
    b.op(0, 'add', 1, 'fail');
    b.op(1, 'read', null, 'ok', 6); // failed add cannot count
    const r = checkCounter(b.history());
    expect(r.valid).toBe(false);
    expect(r.errorCount).toBe(2);
    expect(r.anomalies?.[0]?.message).toMatch(/outside the possible range \[5, 5\]/);
  });
  it('handles PN counters: negative deltas widen the lower bound only', () => {
    const b = new HistoryBuilder();
    b.op(0, 'add', 10);
    b.invoke(1, 'add', -4);
    b.op(2, 'read', null, 'ok', 6);
    b.op(2, 'read', null, 'ok', 10);
    b.complete('ok', 1, 'add', -4);
    b.op(2, 'read', null, 'ok', 6);
    expect(checkCounter(b.history()).valid).toBe(true);
    b.op(2, 'read', null, 'ok', 10); // the -4 is acknowledged now
    expect(checkCounter(b.history()).valid).toBe(false);
  });
  it('eventual mode: stale reads pass, a final read must count every acknowledged add', () => {
    const b = new HistoryBuilder();
    b.op(0, 'add', 2);
    b.op(0, 'add', 3);
    b.op(1, 'read', null, 'ok', 2); // stale: fine for an eventually consistent counter
    expect(checkCounter(b.history()).valid).toBe(false);
    expect(checkCounter(b.history(), { eventual: true }).valid).toBe(true);
    b.op(1, 'read', null, 'ok', 9); // more than was ever attempted: wrong even eventually
    expect(checkCounter(b.history(), { eventual: true }).valid).toBe(false);
    const c = new HistoryBuilder();
    c.op(0, 'add', 2);
    c.op(0, 'add', 3);
    const h = c.history();
    const n = h.length;
    h.push({ index: n, time: n, type: 'invoke', process: 1, f: 'read', value: null, final: true });
    h.push({ index: n + 1, time: n + 1, type: 'ok', process: 1, f: 'read', value: 2, final: true });
    expect(checkCounter(h, { eventual: true }).valid).toBe(false); // the final read lost an add
  });
});

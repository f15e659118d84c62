import { describe, expect, it } from 'vitest';
import { HistoryBuilder } from '../history-builder.js';
import { checkFinalCounter } from './final-counter.js';
import { checkEcho } from '../echo/index.js';

const finalRead = (b: HistoryBuilder, p: number, v: number): number => b.op(p, 'read', null, 'ok', v, { final: true });

describe('final-counter (Maelstrom g-counter / pn-counter)', () => {
  it('judges only final reads: stale reads during the run are fine', () => {
    const b = new HistoryBuilder();
    b.op(0, 'add', 5);
    b.op(1, 'read', null, 'ok', 0); // stale, not judged
    b.op(1, 'add', -2);
    b.op(0, 'read', null, 'ok', 99); // not judged either (Maelstrom judges final reads only)
    finalRead(b, 0, 3);
    finalRead(b, 1, 3);
    expect(checkFinalCounter(b.history()).valid).toBe(true);
  });

  it('a final read may include any subset of indeterminate adds, and nothing else', () => {
    const b = new HistoryBuilder();
    b.op(0, 'add', 10);
    b.op(1, 'add', 3, 'info', null);
    b.op(2, 'add', -4, 'info', null);
    b.op(2, 'add', 100, 'fail', null);
    for (const v of [10, 13, 6, 9]) {
      const h = new HistoryBuilder();
      h.ops.push(...b.ops.map((o) => ({ ...o })));
      finalRead(h, 0, v);
      expect(checkFinalCounter(h.history()).valid, `final read ${v}`).toBe(true);
    }
    for (const v of [7, 11, 110, 12]) {
      const h = new HistoryBuilder();
      h.ops.push(...b.ops.map((o) => ({ ...o })));
      const at = finalRead(h, 0, v);
      const r = checkFinalCounter(h.history());
      expect(r.valid, `final read ${v}`).toBe(false);
      expect(r.anomalies?.[0]?.index).toBe(at);
    }
  });

  it('without a final read there is nothing to judge: unknown', () => {
    const b = new HistoryBuilder();
    b.op(0, 'add', 1);
    b.op(0, 'read', null, 'ok', 1);
    expect(checkFinalCounter(b.history()).valid).toBe('unknown');
  });

  it('falls back to the range when the indeterminate adds are too many for exact subset sums', () => {
    const b = new HistoryBuilder();
    for (let i = 0; i < 30; i++) b.op(i, 'add', 1000 + i * 7919, 'info', null);
    finalRead(b, 0, 1000);
    const r = checkFinalCounter(b.history(), { maxSums: 1000 });
    expect(r.exactSubsets).toBe(false);
    expect(r.valid).toBe(true);
    finalRead(b, 1, -1);
    expect(checkFinalCounter(b.history(), { maxSums: 1000 }).valid).toBe(false);
  });
});

describe('echo', () => {
  it('flags an echo that differs from what was sent', () => {
    const b = new HistoryBuilder();
    b.op(0, 'echo', 'hi');
    expect(checkEcho(b.history()).valid).toBe(true);
    const at = b.op(1, 'echo', 'x', 'ok', 'y');
    const r = checkEcho(b.history());
    expect(r.valid).toBe(false);
    expect(r.anomalies?.[0]?.index).toBe(at);
  });
});

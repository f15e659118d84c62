import { describe, expect, it } from 'vitest';
import { HistoryBuilder } from '../history-builder.js';
import { checkLock } from './index.js';

describe('lock', () => {
  it('accepts handovers, including concurrent release/acquire', () => {
    const b = new HistoryBuilder();
    b.op(0, 'acquire', null);
    b.invoke(0, 'release');
    b.invoke(1, 'acquire');
    b.complete('ok', 1, 'acquire'); // may have happened after the release took effect
    b.complete('ok', 0, 'release');
    b.op(2, 'acquire', null, 'fail');
    b.op(1, 'release', null);
    b.op(3, 'acquire', null, 'info');
    b.op(4, 'acquire', null);
    expect(checkLock(b.history()).valid).toBe(true);
  });
  it('finds two holders at once and a release without holding', () => {
    const b = new HistoryBuilder();
    b.op(0, 'acquire', 'a');
    b.op(1, 'acquire', 'b'); // another lock: fine
    const bad = b.op(2, 'acquire', 'a');
    b.op(0, 'release', 'a');
    b.op(3, 'release', 'a');
    const r = checkLock(b.history());
    expect(r.valid).toBe(false);
    expect(r.anomalies?.map((a) => a.index)).toContain(bad);
    expect(r.anomalies?.some((a) => /without holding/.test(a.message))).toBe(true);
  });
});

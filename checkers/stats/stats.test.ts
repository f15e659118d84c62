import { describe, expect, it } from 'vitest';
import { HistoryBuilder } from '../history-builder.js';
import { checkStats } from './index.js';

describe('stats', () => {
  it('counts outcomes per function and fails when one never succeeds', () => {
    const b = new HistoryBuilder();
    b.op(0, 'read', null, 'ok', 1);
    b.op(0, 'write', 1, 'fail');
    b.invoke('nemesis', 'start-partition');
    b.complete('info', 'nemesis', 'start-partition');
    b.invoke(1, 'write', 2); // never completes: info
    const r = checkStats(b.history());
    expect(r.valid).toBe(false);
    expect(r.byF).toEqual({ read: { count: 1, ok: 1, fail: 0, info: 0 }, write: { count: 2, ok: 0, fail: 1, info: 1 } });
    b.complete('ok', 1, 'write', 2);
    expect(checkStats(b.history()).valid).toBe(true);
  });
});

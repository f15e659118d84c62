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

describe('lock overlaps and fencing', () => {
  it('reports both holders of an overlap with their times, leases and tokens', () => {
    const b = new HistoryBuilder();
    b.invoke(0, 'acquire', null);
    b.complete('ok', 0, 'acquire', { leaseMs: 2000, token: 7 });
    // process 0 stalls past its lease; process 1 acquires while 0 still believes it holds the lock
    b.invoke(1, 'acquire', null);
    const second = b.complete('ok', 1, 'acquire', { leaseMs: 2000, token: 8 });
    b.invoke(0, 'release', null);
    b.complete('ok', 0, 'release', { released: false, lost: 'the lease had expired' });
    b.op(1, 'release', null);
    const r = checkLock(b.history());
    expect(r.valid).toBe(false);
    const ov = (r.overlaps as Array<{ first: { process: number; leaseMs: number; token: number; lost: string }; second: { process: number; token: number } }>)[0]!;
    expect(ov.first).toMatchObject({ process: 0, leaseMs: 2000, token: 7, lost: 'the lease had expired' });
    expect(ov.second).toMatchObject({ process: 1, token: 8 });
    expect(r.anomalies?.[0]?.index).toBe(second);
    expect(r.anomalies?.[0]?.message).toMatch(/two holders.*process 1.*token 8.*while process 0.*lease 2000 ms.*token 7/);
  });

  it('fenced writes: a stale token refused is caught, a stale token accepted is a violation', () => {
    const caught = new HistoryBuilder();
    caught.op(1, 'write', null, 'ok', { token: 8 });
    caught.op(0, 'write', null, 'fail', { token: 7, stored: 8 }, { error: 'fenced: token 7 < 8' });
    const c = checkLock(caught.history());
    expect(c.valid).toBe(true);
    expect((c.fencing as { caught: unknown[] }).caught).toHaveLength(1);

    const leaked = new HistoryBuilder();
    leaked.op(1, 'write', null, 'ok', { token: 8 });
    const bad = leaked.op(0, 'write', null, 'ok', { token: 7 });
    const l = checkLock(leaked.history());
    expect(l.valid).toBe(false);
    expect(l.anomalies?.map((a) => a.index)).toContain(bad);
    // Concurrent writes may land in either order: no violation.
    const conc = new HistoryBuilder();
    conc.invoke(1, 'write', null);
    conc.invoke(0, 'write', null);
    conc.complete('ok', 1, 'write', { token: 8 });
    conc.complete('ok', 0, 'write', { token: 7 });
    expect(checkLock(conc.history()).valid).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { HistoryBuilder } from '../history-builder.js';
import { checkPerf, faultWindows } from './index.js';

describe('perf', () => {
  it('splits latencies by fault window and counts throughput', () => {
    const b = new HistoryBuilder();
    const at = (s: number): Record<string, unknown> => ({ time: Math.round(s * 1e9) });
    b.invoke(0, 'read', null, at(0));
    b.complete('ok', 0, 'read', 1, at(0.01));
    b.invoke('nemesis', 'start-partition', null, at(1));
    b.complete('info', 'nemesis', 'start-partition', null, at(1.1));
    b.invoke(0, 'read', null, at(2));
    b.complete('ok', 0, 'read', 1, at(3));
    b.invoke('nemesis', 'stop-partition', null, at(4));
    b.complete('info', 'nemesis', 'stop-partition', null, at(4.1));
    b.invoke(0, 'write', 2, at(5));
    b.complete('fail', 0, 'write', 2, at(5.02));
    expect(faultWindows(b.history())).toMatchObject([{ name: 'partition', start: 1e9, end: 4.1e9 }]);
    const r = checkPerf(b.history());
    expect(r.valid).toBe(true);
    const byW = r.latencyByWindow as Record<string, { count: number; max: number }>;
    expect(byW.partition).toMatchObject({ count: 1, max: 1e9 });
    expect(byW.none!.count).toBe(2);
    const lat = r.latency as Record<string, Record<string, { p50: number }>>;
    expect(lat.read!.ok!.p50).toBe(0.01e9);
    const t = r.throughput as { bucketNs: number; ok: number[]; fail: number[] };
    expect(t.bucketNs).toBe(1e9);
    expect(t.ok.reduce((a, x) => a + x, 0)).toBe(2);
    expect(t.fail[5]).toBe(1);
  });

  it('counts pause/resume and kill/start windows as the report draws them', () => {
    const b = new HistoryBuilder();
    const at = (s: number): Record<string, unknown> => ({ time: Math.round(s * 1e9) });
    for (const [start, stop, t] of [['pause', 'resume', 1], ['kill', 'start', 5], ['pause', 'resume', 9]] as const) {
      b.invoke('nemesis', start, null, at(t));
      b.complete('info', 'nemesis', start, null, at(t + 0.1));
      b.invoke('nemesis', stop, null, at(t + 2));
      b.complete('info', 'nemesis', stop, null, at(t + 2.1));
    }
    b.invoke(0, 'read', null, at(1.5));
    b.complete('ok', 0, 'read', 1, at(1.6));
    const r = checkPerf(b.history());
    expect(r.summary).toMatch(/3 fault windows/);
    expect((r.windows as Array<{ name: string }>).map((w) => w.name)).toEqual(['pause', 'kill', 'pause']);
    expect((r.latencyByWindow as Record<string, { count: number }>).pause!.count).toBe(1);
  });
});

// The `perf` checker: latency quantiles (p50/p95/p99/max) per function and outcome, and per
// fault-window kind (src/fault-windows.ts), plus throughput over time, as JSON the report draws. Always valid.

import type { History } from '../../src/history.js';
import type { CheckResult, FaultWindowSpec } from '../../src/protocols.js';
import { clientRecords, optNum, quantiles } from '../op-pairs.js';
import { faultWindows } from '../../src/fault-windows.js';
import { defineChecker, mergingOptions } from '../registry.js';
import { opt } from '../../src/plugin/options.js';

export { faultWindows } from '../../src/fault-windows.js';

export function checkPerf(history: History, opts: { windows?: FaultWindowSpec[]; bucketNs?: number; maxPoints?: number } = {}): CheckResult {
  const recs = clientRecords(history).filter((r) => r.retNs !== null);
  const windows = faultWindows(history, opts.windows);
  const lat: Record<string, Record<string, number[]>> = {};
  const byWindow: Record<string, number[]> = {};
  const windowOf = (t: number): string => {
    // Windows are few; a linear scan keeps it simple. Overlapping kinds: the first one wins.
    for (const w of windows) if (t >= w.start && t <= w.end) return w.name;
    return 'none';
  };
  const endT = history.length ? history[history.length - 1]!.time : 0;
  const bucketNs = opts.bucketNs ?? Math.max(1e9, Math.ceil(endT / 200 / 1e9) * 1e9);
  const nb = Math.max(1, Math.floor(endT / bucketNs) + 1);
  const tput = { ok: new Array<number>(nb).fill(0), fail: new Array<number>(nb).fill(0), info: new Array<number>(nb).fill(0) };
  const maxPoints = opts.maxPoints ?? 10_000;
  const step = Math.max(1, Math.ceil(recs.length / maxPoints));
  const points: [number, number, string, string][] = [];
  recs.forEach((r, i) => {
    const l = r.retNs! - r.callNs;
    ((lat[r.f] ??= {})[r.type] ??= []).push(l);
    (byWindow[windowOf(r.callNs)] ??= []).push(l);
    tput[r.type][Math.min(nb - 1, Math.floor(r.retNs! / bucketNs))]!++;
    if (i % step === 0) points.push([r.callNs, l, r.f, r.type]);
  });
  const latency: Record<string, Record<string, ReturnType<typeof quantiles>>> = {};
  for (const [f, byType] of Object.entries(lat)) {
    latency[f] = {};
    for (const [t, xs] of Object.entries(byType)) latency[f]![t] = quantiles(xs);
    latency[f]!.all = quantiles(Object.values(byType).flat());
  }
  const latencyByWindow: Record<string, ReturnType<typeof quantiles>> = {};
  for (const [w, xs] of Object.entries(byWindow)) latencyByWindow[w] = quantiles(xs);
  const durS = Math.max(endT, 1) / 1e9;
  return {
    valid: true,
    summary: `perf: ${recs.length} completed ops over ${durS.toFixed(1)} s (${(recs.length / durS).toFixed(1)} ops/s), ${windows.length} fault windows`,
    latency,
    latencyByWindow,
    windows,
    throughput: { bucketNs, ...tput },
    points,
  };
}

const ms = (ns: number | undefined): string => (ns === undefined ? '-' : `${(ns / 1e6).toFixed(1)}ms`);

defineChecker({
  name: 'perf',
  options: {
    windows: opt.json({ doc: "fault window specs (default: the run's, else from the nemesis ops)" }),
    bucketNs: opt.number({ min: 1, doc: 'throughput bucket in ns (default: about 200 buckets)' }),
  },
  doc: 'latency quantiles per function and fault window, throughput over time (always valid)',
  create: mergingOptions('perf', (h, a) => {
    const specs = Array.isArray(a.windows) ? (a.windows as FaultWindowSpec[]) : undefined;
    return checkPerf(h, { windows: specs ?? (a.test?.windows as FaultWindowSpec[] | undefined), bucketNs: optNum(a.bucketNs) });
  }),
  format(r) {
    const lines = [String(r.summary ?? '')];
    const l = (r.latency as Record<string, Record<string, Record<string, number>>>) ?? {};
    for (const [f, q] of Object.entries(l)) {
      const a = q.all!;
      lines.push(`  ${f.padEnd(14)} n=${a.count}  p50 ${ms(a.p50)}  p95 ${ms(a.p95)}  p99 ${ms(a.p99)}  max ${ms(a.max)}`);
    }
    const w = (r.latencyByWindow as Record<string, Record<string, number>>) ?? {};
    for (const [k, a] of Object.entries(w)) lines.push(`  during ${k.padEnd(10)} n=${a.count}  p50 ${ms(a.p50)}  p99 ${ms(a.p99)}  max ${ms(a.max)}`);
    return lines.join('\n');
  },
});

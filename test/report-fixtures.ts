// Synthetic run directories for the report tests: a non-linearizable register run with a
// witness-shaped result, a 100,000-op run, and a run whose every value is hostile HTML (with a
// real Elle internal-consistency case among its results). Written
// the way the controller writes them (history.jsonl, test.json, results.json, nodes/*/*.log).

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { History, Op } from '../src/history.js';
import { writeHistoryJsonl } from '../src/history-io.js';
import type { CheckResult, LinearizabilityWitness, TxnAnomaly, ElementOutcome } from '../src/protocols.js';
import type { RunTestInfo } from '../app/report/data.js';
import { createRng } from '../src/rng.js';
import { checkElle } from '../checkers/elle/index.js';

export function writeRunDir(dir: string, test: RunTestInfo, results: CheckResult, history: History): string {
  mkdirSync(join(dir, 'nodes', 'n1'), { recursive: true });
  writeHistoryJsonl(join(dir, 'history.jsonl'), history);
  writeFileSync(join(dir, 'test.json'), JSON.stringify(test, null, 2));
  writeFileSync(join(dir, 'results.json'), JSON.stringify(results, null, 2));
  writeFileSync(join(dir, 'nodes', 'n1', 'db.log'), 'node log\n');
  return dir;
}

function baseTest(name: string, extra: Partial<RunTestInfo> = {}): RunTestInfo {
  return {
    name, db: 'maelstrom-raft', workload: 'register', nemesis: ['partition'], nodes: ['n1', 'n2', 'n3'], concurrency: 3, seed: 42,
    timeLimitS: 10, rate: 100, dbOptions: {}, startedAt: '2026-11-25T10:00:00.000Z', finishedAt: '2026-11-25T10:00:10.000Z',
    versions: { faultline: '0.1.0', node: process.version }, kind: 'run',
    windows: [{ name: 'partition', start: ['start-partition'], stop: ['stop-partition'], color: '#f4a261' }],
    ...extra,
  };
}

class H {
  ops: Op[] = [];
  push(time: number, type: Op['type'], process: Op['process'], f: string, value: unknown, extra: Partial<Op> = {}): number {
    this.ops.push({ index: this.ops.length, time, type, process, f, value, ...extra });
    return this.ops.length - 1;
  }
}

const MS = 1e6;

/** Register: w1 ok, then p1 reads 0 after the write completed — not linearizable. Anomaly at the stale read. */
export function nonLinearizableRun(dir: string): { dir: string; anomalyIndex: number } {
  const h = new H();
  h.push(0, 'invoke', 'nemesis', 'start-partition', 'halves');
  h.push(1 * MS, 'info', 'nemesis', 'start-partition', { n1: ['n2', 'n3'] });
  const w0 = h.push(2 * MS, 'invoke', 0, 'write', 0);
  const w0c = h.push(5 * MS, 'ok', 0, 'write', 0);
  const w1 = h.push(10 * MS, 'invoke', 1, 'write', 1);
  const w1c = h.push(20 * MS, 'ok', 1, 'write', 1);
  const r = h.push(30 * MS, 'invoke', 2, 'read', null);
  const rc = h.push(40 * MS, 'ok', 2, 'read', 0);
  for (let i = 0; i < 40; i++) {
    const p = i % 3;
    h.push(50 * MS + i * 4 * MS, 'invoke', p, 'read', null);
    h.push(52 * MS + i * 4 * MS, 'ok', p, 'read', 1);
  }
  h.push(300 * MS, 'invoke', 'nemesis', 'stop-partition', null);
  h.push(301 * MS, 'info', 'nemesis', 'stop-partition', 'healed');
  const wop = (index: number, completeIndex: number, process: number, f: string, value: unknown, output: unknown, call: number, ret: number, label: string) =>
    ({ index, completeIndex, process, f, value, output, type: 'ok' as const, call, ret, label });
  const witness: LinearizabilityWitness = {
    model: 'register',
    ops: [wop(w0, w0c, 0, 'write', 0, 0, 2 * MS, 5 * MS, 'write(0)'), wop(w1, w1c, 1, 'write', 1, 1, 10 * MS, 20 * MS, 'write(1)'), wop(r, rc, 2, 'read', null, 0, 30 * MS, 40 * MS, 'read → 0')],
    prefix: [w0, w1],
    failing: r,
    states: ['1'],
    partials: { [w0]: [w0, w1], [w1]: [w0, w1], [r]: [w0, r] },
    text: 'read → 0 (op 6) cannot be linearized: after write(0), write(1) the register holds 1.',
  };
  const lin: CheckResult = { valid: false, summary: 'not linearizable: read → 0 cannot be placed', anomalies: [{ index: rc, message: 'read → 0 after write(1) completed' }], witness };
  const results: CheckResult = { valid: false, results: { linearizable: lin, stats: { valid: true, summary: '45 ok, 0 fail, 0 info' } }, anomalies: lin.anomalies };
  writeRunDir(dir, baseTest('register-partition'), results, h.ops);
  return { dir, anomalyIndex: rc };
}

/** 100,000 history entries (50,000 ops over 10 processes, partitions), an anomaly deep inside. */
export function bigRun(dir: string, entries = 100_000): { dir: string; anomalyIndex: number } {
  const rng = createRng(7);
  const h = new H();
  const procs = 10;
  const busyUntil = new Array<number>(procs).fill(0);
  const open: Array<{ f: string; end: number } | null> = new Array(procs).fill(null);
  let t = 0;
  let nextFault = 5_000 * MS;
  let faultOn = false;
  let v = 0;
  while (h.ops.length < entries) {
    t += Math.floor(rng.next() * 0.4 * MS) + 1000;
    if (t > nextFault) {
      h.push(t, 'invoke', 'nemesis', faultOn ? 'stop-partition' : 'start-partition', null);
      h.push(t + MS, 'info', 'nemesis', faultOn ? 'stop-partition' : 'start-partition', faultOn ? 'healed' : 'majority');
      faultOn = !faultOn;
      nextFault = t + 3_000 * MS;
      continue;
    }
    const p = Math.floor(rng.next() * procs);
    const o = open[p];
    if (o) {
      if (t < o.end) continue;
      const roll = rng.next();
      const type = roll < 0.9 ? 'ok' : roll < 0.97 ? 'fail' : 'info';
      h.push(t, type, p, o.f, o.f === 'read' ? v : v);
      open[p] = null;
      busyUntil[p] = t;
    } else {
      const f = rng.next() < 0.5 ? 'read' : 'write';
      if (f === 'write') v++;
      const lat = (faultOn ? 5 + rng.next() * 80 : 0.5 + rng.next() * 4) * MS;
      h.push(t, 'invoke', p, f, f === 'write' ? v : null, { node: `n${(p % 3) + 1}` });
      open[p] = { f, end: t + lat };
    }
  }
  for (let p = 0; p < procs; p++) if (open[p]) h.push((t += 1000), 'ok', p, open[p]!.f, v);
  const anomalyIndex = h.ops.findIndex((op, i) => i > entries * 0.77 && op.type === 'ok' && op.f === 'read');
  const results: CheckResult = {
    valid: false,
    results: { linearizable: { valid: false, summary: 'stale read', anomalies: [{ index: anomalyIndex, message: `stale read at op ${anomalyIndex}` }] }, perf: { valid: true } },
  };
  writeRunDir(dir, baseTest('big-register', { concurrency: procs, timeLimitS: Math.ceil(t / 1e9) }), results, h.ops);
  return { dir, anomalyIndex };
}

export const XSS = ['<img src=x onerror=window.__pwned=1>', '</script><script>window.__pwned=1</script>', '"><svg onload=window.__pwned=1>', "'--><script>window.__pwned=1</script>"] as const;

/** Every string a report shows from the run is hostile; a set-full result and an Elle cycle included. */
export function xssRun(dir: string): { dir: string; anomalyIndex: number } {
  const h = new H();
  const a = h.push(0, 'invoke', 0, 'add', XSS[0], { node: XSS[2] });
  const ac = h.push(2 * MS, 'ok', 0, 'add', XSS[0], { node: XSS[2] });
  const t1 = h.push(3 * MS, 'invoke', 1, 'txn', [['append', XSS[1], 1], ['r', XSS[1], null]]);
  const t1c = h.push(4 * MS, 'ok', 1, 'txn', [['append', XSS[1], 1], ['r', XSS[1], [XSS[3]]]]);
  h.push(5 * MS, 'invoke', 2, XSS[1], XSS[3]);
  const fc = h.push(6 * MS, 'fail', 2, XSS[1], XSS[3], { error: XSS[0] });
  const r = h.push(7 * MS, 'invoke', 0, 'read', null);
  const rc = h.push(9 * MS, 'ok', 0, 'read', [XSS[1]]);
  const elle: TxnAnomaly = {
    type: 'G1c',
    ops: [{ index: t1c, process: 1, value: [['append', XSS[1], 1]] }, { index: ac, process: 0, value: XSS[0] }],
    steps: [
      { from: t1c, to: ac, kind: 'wr', key: XSS[1], value: 1, explanation: `T1 appended ${XSS[0]}` },
      { from: ac, to: t1c, kind: 'rw', key: XSS[1], explanation: `T2 read ${XSS[1]}` },
    ],
    text: `cycle ${XSS[3]}`,
  };
  const elements: ElementOutcome[] = [
    { element: XSS[0], outcome: 'lost', addIndex: a, lastPresentIndex: null, lastAbsentIndex: rc, visibilityLatencyNs: null },
    { element: XSS[1], outcome: 'stable', addIndex: t1, lastPresentIndex: rc, visibilityLatencyNs: 3 * MS },
  ];
  const results: CheckResult = {
    valid: false,
    results: {
      [XSS[2]]: { valid: false, summary: XSS[1], anomalies: [{ index: rc, message: XSS[0] }], elements },
      elle: { valid: false, anomalyTypes: ['G1c'], anomalies: { G1c: [elle] } as never },
      other: { valid: 'unknown', error: XSS[3], weird: { [XSS[0]]: XSS[1] } },
      // The txn above appends 1 to a hostile key and reads it back as [hostile]: an internal
      // (INT) case, found and explained by the real checker.
      'elle-int': checkElle(h.ops, 'list-append', { consistencyModel: 'serializable' }),
    },
    anomalies: [{ index: rc, message: XSS[0] }, { index: fc, message: XSS[1] }],
  };
  void r;
  writeRunDir(dir, baseTest(XSS[0], { db: XSS[1], workload: XSS[2], nemesis: [XSS[3]], versions: { [XSS[0]]: XSS[1] }, windows: [{ name: XSS[0], start: ['start-x'], stop: ['stop-x'], color: XSS[2] }] }), results, h.ops);
  return { dir, anomalyIndex: rc };
}

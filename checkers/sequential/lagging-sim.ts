// A simulator of lagging replicas, for tests and benchmarks: writes and cas go to a primary log;
// each client is bound to one replica that applies the log with a delay, and a client's replica
// catches up to the client's own writes before the write returns. Reads may be stale but never
// go backwards for a client: the histories are sequentially consistent and, with lag, usually
// not linearizable. Crashed writes (info) take effect or not at random; the crashed client
// continues under a new process id, as in Jepsen.

import type { History, Op } from '../../src/history.js';
import { createRng } from '../../src/rng.js';

export interface LaggingSimOptions {
  processes: number;
  opsPerProcess: number;
  replicas?: number;
  /** Independent keys: 0 = a single plain register (values not wrapped in [k, v]). */
  keys?: number;
  /** Distinct write values per key; 0 = every write unique. */
  valueRange?: number;
  seed?: number;
  /** Fractions of ops that are writes and cas (rest reads). */
  writeRatio?: number;
  casRatio?: number;
  /** Probability that a write/cas crashes (info). */
  crashRatio?: number;
  /** Probability per tick that a replica applies one more log entry (lower = more lag). */
  applyRate?: number;
  /** Record on each completion `simOrder`: its place in the order the simulator realized. */
  trace?: boolean;
}

export function laggingReplicaHistory(o: LaggingSimOptions): History {
  const rng = createRng(o.seed ?? 1);
  const R = o.replicas ?? 3;
  const K = o.keys ?? 0;
  const nkeys = Math.max(1, K);
  const writeRatio = o.writeRatio ?? 0.4;
  const casRatio = o.casRatio ?? 0.1;
  const crashRatio = o.crashRatio ?? 0;
  const applyRate = o.applyRate ?? 0.3;
  const log: { key: number; value: number }[] = [];
  const primary = new Array<number | null>(nkeys).fill(null);
  const replicaPos = new Array<number>(R).fill(0);
  const replicaState = Array.from({ length: R }, () => new Array<number | null>(nkeys).fill(null));
  const advance = (r: number, to: number): void => {
    while (replicaPos[r]! < to) {
      const e = log[replicaPos[r]!]!;
      replicaState[r]![e.key] = e.value;
      replicaPos[r]!++;
    }
  };
  const append = (key: number, value: number): void => {
    log.push({ key, value });
    primary[key] = value;
  };
  let nextValue = 1;
  const pickValue = (): number => (o.valueRange ? 1 + rng.int(o.valueRange) : nextValue++);
  const wrap = (key: number, v: unknown): unknown => (K > 0 ? [key, v] : v);

  interface Pending { f: 'read' | 'write' | 'cas'; key: number; value: number; from?: number }
  const history: Op[] = [];
  const workers = Array.from({ length: o.processes }, (_, i) => ({ process: i, left: o.opsPerProcess, pending: null as Pending | null, replica: i % R }));
  let tick = 0;
  const push = (op: Omit<Op, 'index' | 'time'>): void => {
    history.push({ ...op, index: history.length, time: tick * 1_000_000 } as Op);
  };
  for (;;) {
    tick++;
    for (let r = 0; r < R; r++) if (rng.next() < applyRate) advance(r, Math.min(log.length, replicaPos[r]! + 1));
    const live = workers.filter((w) => w.left > 0 || w.pending);
    if (!live.length) break;
    const w = rng.pick(live);
    const node = `n${w.replica + 1}`;
    if (!w.pending) {
      const key = rng.int(nkeys);
      const x = rng.next();
      if (x < writeRatio) {
        const value = pickValue();
        w.pending = { f: 'write', key, value };
        push({ type: 'invoke', process: w.process, f: 'write', value: wrap(key, value), node });
      } else if (x < writeRatio + casRatio) {
        const from = rng.next() < 0.5 ? replicaState[w.replica]![key] ?? pickValue() : pickValue();
        const value = pickValue();
        w.pending = { f: 'cas', key, value, from };
        push({ type: 'invoke', process: w.process, f: 'cas', value: wrap(key, [from, value]), node });
      } else {
        w.pending = { f: 'read', key, value: 0 };
        push({ type: 'invoke', process: w.process, f: 'read', value: wrap(key, null), node });
      }
      w.left--;
      continue;
    }
    const p = w.pending;
    w.pending = null;
    if (p.f === 'read') {
      push({ type: 'ok', process: w.process, f: 'read', value: wrap(p.key, replicaState[w.replica]![p.key]), node, ...(o.trace ? { simOrder: replicaPos[w.replica]! } : {}) });
      continue;
    }
    const crashed = rng.next() < crashRatio;
    const applies = p.f === 'write' || primary[p.key] === p.from;
    const takesEffect = applies && (!crashed || rng.next() < 0.5);
    const order = takesEffect ? log.length + 0.5 : null;
    if (takesEffect) {
      append(p.key, p.value);
      advance(w.replica, log.length); // read-your-writes: the client's replica has its own write
    }
    const invValue = p.f === 'write' ? wrap(p.key, p.value) : wrap(p.key, [p.from, p.value]);
    if (crashed) {
      push({ type: 'info', process: w.process, f: p.f, value: invValue, node, error: 'timeout', ...(o.trace ? { simOrder: order } : {}) });
      w.process += o.processes; // Jepsen gives a crashed client a new process id
    } else {
      push({ type: applies ? 'ok' : 'fail', process: w.process, f: p.f, value: invValue, node, ...(o.trace ? { simOrder: order } : {}) });
    }
  }
  return history;
}

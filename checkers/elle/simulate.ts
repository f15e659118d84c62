// In-memory transactional databases of known isolation, for tests and benchmarks: concurrent
// processes run Elle-style list-append or rw-register transactions, interleaved step by step by
// a seeded rng, and the full history (invoke + ok/fail/info) comes out.
//  - serializable: each txn takes effect atomically at one instant inside its interval (so the
//    history is in fact strict-serializable);
//  - snapshot-isolation: reads from the snapshot at begin, writes buffered, first committer wins
//    (write skew can happen);
//  - read-committed: each read sees the latest committed state (or the txn's own writes); a
//    write locks its key until commit (as PostgreSQL or InnoDB do), waiters that wait too long
//    abort;
//  - read-uncommitted: every micro-op acts on the shared state at once (dirty reads and writes);
//  - aborted-read: serializable, but some txns report `fail` while their writes stay visible;
//  - stale-serializable: serializable, but read-only txns read a snapshot up to `staleness`
//    commits old (a lagging replica): serializable, not strict-serializable.

import type { History, Op } from '../../src/history.js';
import { createRng, type Rng } from '../../src/rng.js';
import { listAppendTxns } from '../../workloads/list-append.js';
import { rwRegisterTxns } from '../../workloads/rw-register.js';
import type { TxnGenOptions, TxnMicroOp } from '../../workloads/txn-gen.js';

export type SimIsolation = 'serializable' | 'stale-serializable' | 'snapshot-isolation' | 'read-committed' | 'read-uncommitted' | 'aborted-read';

export interface SimOptions {
  isolation: SimIsolation;
  workload: 'list-append' | 'rw-register';
  txns: number;
  processes?: number;
  seed?: number;
  gen?: TxnGenOptions;
  /** Probability that a completion is lost (info; the process is replaced). Default 0. */
  infoProbability?: number;
  /** aborted-read: probability that a txn reports fail although its writes took effect. Default 0.1. */
  abortProbability?: number;
  /** stale-serializable: how many commits old a read-only snapshot may be. Default 20. */
  staleness?: number;
}

interface Running {
  pid: number;
  mops: TxnMicroOp[];
  done: TxnMicroOp[];
  step: number;
  snapshot: number;
  buffer: Map<number, unknown>;
  executed: boolean;
  failed: boolean;
  /** read-committed: the txn's private values of the keys it locked, and how long it waited. */
  priv: Map<number, unknown>;
  waited: number;
}

/** Run the simulation, handing each op to `emit` (histories of millions of ops need not be held). */
export function simulateTo(opts: SimOptions, emit: (op: Op) => void): void {
  const rng: Rng = createRng(opts.seed ?? 1);
  const P = opts.processes ?? 10;
  const gen = opts.workload === 'list-append' ? listAppendTxns(opts.gen) : rwRegisterTxns(opts.gen);
  const append = opts.workload === 'list-append';
  const iso = opts.isolation;
  const pInfo = opts.infoProbability ?? 0;
  const pAbort = opts.abortProbability ?? 0.1;
  // Committed state; for snapshot isolation every key keeps its versions [ts, value].
  const state = new Map<number, unknown>();
  const versions = new Map<number, [number, unknown][]>();
  const lastCommit = new Map<number, number>();
  let clock = 0;
  const pids = Array.from({ length: P }, (_, i) => i);
  const running: (Running | null)[] = new Array(P).fill(null);
  let started = 0, finished = 0, index = 0, tick = 0;

  const write = (cur: unknown, v: unknown): unknown => (append ? [...((cur as unknown[] | undefined) ?? []), v] : v);
  const readOut = (cur: unknown): unknown => (append ? [...((cur as unknown[] | undefined) ?? [])] : cur ?? null);
  const commit = (buffer: Map<number, unknown>): void => {
    clock++;
    for (const [k, ops] of buffer) {
      let cur = state.get(k);
      for (const v of ops as unknown[]) cur = write(cur, v);
      state.set(k, cur);
      lastCommit.set(k, clock);
      if (iso === 'snapshot-isolation' || iso === 'stale-serializable') {
        const vs = versions.get(k);
        if (vs) vs.push([clock, cur]); else versions.set(k, [[clock, cur]]);
      }
    }
  };
  const snapshotRead = (k: number, ts: number): unknown => {
    const vs = versions.get(k);
    if (!vs) return undefined;
    for (let i = vs.length - 1; i >= 0; i--) if (vs[i]![0] <= ts) return vs[i]![1];
    return undefined;
  };
  // One micro-op of a running txn under snapshot isolation.
  const bufferedStep = (r: Running): void => {
    const m = r.mops[r.step++]!;
    const [f, k, v] = m;
    const own = (r.buffer.get(k) as unknown[] | undefined) ?? [];
    if (f === 'r') {
      let cur = snapshotRead(k, r.snapshot);
      for (const w of own) cur = write(cur, w);
      r.done.push([f, k, readOut(cur)]);
    } else {
      r.buffer.set(k, [...own, v]);
      r.done.push(m);
    }
  };
  // read-committed with write locks.
  const locks = new Map<number, number>();
  const release = (slot: number, r: Running): void => {
    for (const k of r.priv.keys()) if (locks.get(k) === slot) locks.delete(k);
  };
  const lockingStep = (r: Running, slot: number): void => {
    const m = r.mops[r.step]!;
    const [f, k, v] = m;
    if (f === 'r') {
      r.done.push([f, k, readOut(r.priv.has(k) ? r.priv.get(k) : state.get(k))]);
      r.step++;
      return;
    }
    const holder = locks.get(k);
    if (holder !== undefined && holder !== slot) {
      if (++r.waited > 50) { r.failed = true; release(slot, r); r.priv.clear(); }
      return;
    }
    locks.set(k, slot);
    r.priv.set(k, write(r.priv.has(k) ? r.priv.get(k) : state.get(k), v));
    r.done.push(m);
    r.step++;
    r.waited = 0;
  };
  const atomic = (r: Running): void => {
    const buffer = new Map<number, unknown>();
    const readOnly = r.mops.every((m) => m[0] === 'r');
    const at = iso === 'stale-serializable' && readOnly ? Math.max(0, clock - rng.int((opts.staleness ?? 20) + 1)) : -1;
    for (const m of r.mops) {
      const [f, k, v] = m;
      if (f === 'r') {
        let cur = at >= 0 ? snapshotRead(k, at) : state.get(k);
        for (const w of (buffer.get(k) as unknown[] | undefined) ?? []) cur = write(cur, w);
        r.done.push([f, k, readOut(cur)]);
      } else {
        buffer.set(k, [...((buffer.get(k) as unknown[] | undefined) ?? []), v]);
        r.done.push(m);
      }
    }
    commit(buffer);
  };

  while (finished < opts.txns) {
    tick++;
    const slot = rng.int(P);
    const r = running[slot];
    const time = tick * 1_000_000;
    if (!r) {
      if (started >= opts.txns) continue;
      started++;
      const mops = gen.next(rng);
      running[slot] = { pid: pids[slot]!, mops, done: [], step: 0, snapshot: clock, buffer: new Map(), executed: false, failed: false, priv: new Map(), waited: 0 };
      emit({ index: index++, time, type: 'invoke', process: pids[slot]!, f: 'txn', value: mops.map((m) => [...m]) });
      continue;
    }
    // Progress the running txn by one step, or complete it.
    let complete = false;
    if (iso === 'serializable' || iso === 'aborted-read' || iso === 'stale-serializable') {
      if (!r.executed) {
        atomic(r);
        r.executed = true;
        if (iso === 'aborted-read' && rng.next() < pAbort) r.failed = true;
      } else complete = true;
    } else if (iso === 'read-uncommitted') {
      if (r.step < r.mops.length) {
        const m = r.mops[r.step++]!;
        if (m[0] === 'r') r.done.push(['r', m[1], readOut(state.get(m[1]))]);
        else { state.set(m[1], write(state.get(m[1]), m[2])); r.done.push(m); }
      } else complete = true;
    } else if (iso === 'read-committed') {
      if (r.failed) complete = true;
      else if (r.step < r.mops.length) lockingStep(r, slot);
      else if (!r.executed) {
        r.executed = true;
        clock++;
        for (const [k, v] of r.priv) state.set(k, v);
        release(slot, r);
      } else complete = true;
    } else {
      if (r.step < r.mops.length) bufferedStep(r);
      else if (!r.executed) {
        r.executed = true;
        if (iso === 'snapshot-isolation' && [...r.buffer.keys()].some((k) => (lastCommit.get(k) ?? 0) > r.snapshot)) r.failed = true;
        else commit(r.buffer);
      } else complete = true;
    }
    if (!complete) continue;
    running[slot] = null;
    finished++;
    if (rng.next() < pInfo) {
      emit({ index: index++, time, type: 'info', process: r.pid, f: 'txn', value: r.mops.map((m) => [...m]), error: 'timeout' });
      pids[slot] = r.pid + P;
    } else if (r.failed) {
      emit({ index: index++, time, type: 'fail', process: r.pid, f: 'txn', value: r.mops.map((m) => [...m]), error: 'aborted' });
    } else {
      emit({ index: index++, time, type: 'ok', process: r.pid, f: 'txn', value: r.done });
    }
  }
}

export function simulate(opts: SimOptions): History {
  const h: History = [];
  simulateTo(opts, (op) => h.push(op));
  return h;
}

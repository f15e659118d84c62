// Controller tests against in-process clients: history shape, Jepsen's crash rule (info retires
// the process), timeouts, definite failures, nemesis ops, abort.

import { describe, expect, it } from 'vitest';
import type { Op } from './history.js';
import { pairOps } from './history.js';
import { createRng } from './rng.js';
import { runController, type Worker } from './controller.js';
import { any, clients, concurrentGenerator, limit, nemesis, once, repeat, stagger, timeLimit, type Thread } from './generator/index.js';

function setup(concurrency: number, invoke: (op: Op, thread: Thread) => Promise<{ type: 'ok' | 'fail' | 'info'; value?: unknown; error?: unknown }>) {
  const workers = new Map<Thread, Worker>();
  for (let t = 0; t < concurrency; t++) workers.set(t, { invoke: (op) => invoke(op, t) });
  workers.set('nemesis', { invoke: (op) => invoke(op, 'nemesis') });
  const t0 = process.hrtime.bigint();
  return { workers, now: () => Number(process.hrtime.bigint() - t0), rng: createRng(1) };
}

describe('controller', () => {
  it('records invocations and completions with dense indices and increasing times', async () => {
    const history: Op[] = [];
    const s = setup(5, async (op) => ({ type: 'ok', value: op.value }));
    await runController({ ...s, concurrency: 5, generator: clients(limit(100, repeat({ f: 'write', value: 3 }))), record: (op) => history.push(op), nodeFor: (t) => `n${t}` });
    expect(history.length).toBe(200);
    history.forEach((op, i) => expect(op.index).toBe(i));
    for (let i = 1; i < history.length; i++) expect(history[i]!.time).toBeGreaterThanOrEqual(history[i - 1]!.time);
    const { pairs, orphans } = pairOps(history);
    expect(orphans).toEqual([]);
    expect(pairs.every((p) => p.complete?.type === 'ok' && p.complete.node === p.invoke.node)).toBe(true);
  });

  it('a throwing client records info and its thread continues as a new process', async () => {
    const history: Op[] = [];
    let n = 0;
    const s = setup(2, async () => {
      if (n++ === 3) throw new Error('connection reset');
      return { type: 'ok' };
    });
    await runController({ ...s, concurrency: 2, generator: clients(limit(10, repeat({ f: 'read' }))), record: (op) => history.push(op) });
    const info = history.find((o) => o.type === 'info')!;
    expect(info.error).toBe('connection reset');
    const procs = new Set(history.map((o) => o.process));
    expect(procs.has((info.process as number) + 2)).toBe(true);
    // The crashed process never appears again after its info completion.
    expect(history.filter((o) => o.index > info.index && o.process === info.process)).toEqual([]);
  });

  it('an op that never answers times out as info', async () => {
    const history: Op[] = [];
    let n = 0;
    const s = setup(1, (op) => (n++ === 0 ? new Promise(() => undefined) : Promise.resolve({ type: 'ok' as const, value: op.value })));
    await runController({ ...s, concurrency: 1, opTimeoutMs: 200, generator: clients(limit(3, repeat({ f: 'read' }))), record: (op) => history.push(op) });
    expect(history[1]).toMatchObject({ type: 'info', error: 'timeout', process: 0 });
    expect(history.slice(2).every((o) => o.process === 1)).toBe(true);
  });

  it('definite failures stay fail and keep the process', async () => {
    const history: Op[] = [];
    const s = setup(1, async () => ({ type: 'fail', error: 'precondition-failed' }));
    await runController({ ...s, concurrency: 1, generator: clients(limit(3, repeat({ f: 'cas', value: [1, 2] }))), record: (op) => history.push(op) });
    expect(history.filter((o) => o.type === 'fail').length).toBe(3);
    expect(new Set(history.map((o) => o.process))).toEqual(new Set([0]));
  });

  it('nemesis ops run on the nemesis thread and complete as info', async () => {
    const history: Op[] = [];
    const s = setup(2, async (op) => ({ type: 'ok', value: op.f === 'start-partition' ? { grudge: {} } : op.value }));
    await runController({ ...s, concurrency: 2, generator: any(clients(limit(4, repeat({ f: 'read' }))), nemesis(once({ f: 'start-partition' }))), record: (op) => history.push(op) });
    const nem = history.filter((o) => o.process === 'nemesis');
    expect(nem.map((o) => o.type)).toEqual(['invoke', 'info']);
    expect(nem[1]!.value).toEqual({ grudge: {} });
  });

  it('independent keys at a modest rate: every thread of every key group runs its share', async () => {
    // The default run's shape: 10 threads in two key groups, ops far below what the threads could
    // do. Fast fake workers answer on the next turn of the event loop.
    const history: Op[] = [];
    const s = setup(10, (op) => new Promise((res) => setImmediate(() => res({ type: 'ok', value: op.value }))));
    const gen = clients(timeLimit(1.5, stagger(1 / 800, concurrentGenerator({ perKey: 5, forKey: () => limit(50, repeat({ f: 'read', value: null })) }))));
    await runController({ ...s, concurrency: 10, generator: gen, record: (op) => history.push(op) });
    const invokes = history.filter((o) => o.type === 'invoke');
    expect(invokes.length).toBeGreaterThan(300);
    const perThread = Array.from({ length: 10 }, (_, t) => invokes.filter((o) => o.process === t).length);
    const mean = invokes.length / 10;
    for (const n of perThread) expect(n).toBeGreaterThan(0.6 * mean);
  });

  it('stops promptly when aborted, leaving open ops open', async () => {
    const history: Op[] = [];
    const abort = new AbortController();
    const s = setup(2, () => new Promise((res) => setTimeout(() => res({ type: 'ok' }), 20)));
    setTimeout(() => abort.abort(), 100);
    const t = Date.now();
    const r = await runController({ ...s, concurrency: 2, signal: abort.signal, generator: clients(repeat({ f: 'read' })), record: (op) => history.push(op) });
    expect(r.aborted).toBe(true);
    expect(Date.now() - t).toBeLessThan(2000);
    expect(history.length).toBeGreaterThan(4);
  });
});

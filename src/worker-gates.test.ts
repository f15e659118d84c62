// Worker gates in the controller: a stalled thread finishes the op it runs, starts none while its
// gate is closed (its client is frozen meanwhile), and carries on once the gate opens; other
// threads are not held up.

import { describe, expect, it } from 'vitest';
import type { Op } from './history.js';
import { createRng } from './rng.js';
import { runController, type Worker } from './controller.js';
import { clients, repeat, timeLimit, type Thread } from './generator/index.js';
import { WorkerGates } from './worker-gates.js';

describe('worker gates', () => {
  it('a stalled thread starts no op until resumed; the others go on', async () => {
    const history: Op[] = [];
    const gates = new WorkerGates(2);
    const frozen: string[] = [];
    gates.attach(0, { freeze: () => frozen.push('freeze'), thaw: () => frozen.push('thaw') });
    const workers = new Map<Thread, Worker>();
    for (const t of [0, 1]) workers.set(t, { invoke: () => new Promise((r) => setTimeout(() => r({ type: 'ok' }), 5)) });
    const t0 = process.hrtime.bigint();
    const now = () => Number(process.hrtime.bigint() - t0);
    let stalledAt = 0;
    let resumedAt = 0;
    setTimeout(() => { gates.stall(0); stalledAt = now(); }, 100);
    setTimeout(() => { resumedAt = now(); gates.resume(0); }, 400);
    await runController({
      concurrency: 2, generator: clients(timeLimit(0.6, repeat({ f: 'read', value: null }))), workers, rng: createRng(1), now, gates,
      record: (op) => { gates.observe(op); history.push(op); },
    });
    const invokes = (p: number) => history.filter((o) => o.type === 'invoke' && o.process === p);
    // Thread 0 may finish the op it had started (up to 5 ms after the stall), but starts none until resumed.
    const during0 = invokes(0).filter((o) => o.time > stalledAt + 1e6 && o.time < resumedAt);
    expect(during0).toEqual([]);
    expect(invokes(0).some((o) => o.time >= resumedAt)).toBe(true);
    expect(invokes(1).filter((o) => o.time > stalledAt && o.time < resumedAt).length).toBeGreaterThan(10);
    expect(frozen).toEqual(['freeze', 'thaw']);
    expect(gates.last(0)?.process).toBe(0);
    expect(gates.stalled()).toEqual([]);
  });
});

describe('stallWhen', () => {
  it('stalls the first thread whose completion matches, before it starts another op', async () => {
    const history: Op[] = [];
    const gates = new WorkerGates(2);
    const workers = new Map<Thread, Worker>();
    let n = 0;
    for (const t of [0, 1]) workers.set(t, { invoke: () => new Promise((r) => setTimeout(() => r({ type: 'ok', value: n++ }), 3)) });
    const t0 = process.hrtime.bigint();
    const now = () => Number(process.hrtime.bigint() - t0);
    const caught = gates.stallWhen((op) => op.type === 'ok' && op.value === 10, 1000);
    let resumedAt = 0;
    setTimeout(() => { resumedAt = now(); gates.resume(0); gates.resume(1); }, 300);
    await runController({
      concurrency: 2, generator: clients(timeLimit(0.4, repeat({ f: 'read', value: null }))), workers, rng: createRng(1), now, gates,
      record: (op) => { gates.observe(op); history.push(op); },
    });
    const t = await caught;
    expect(t === 0 || t === 1).toBe(true);
    const done = history.find((o) => o.type === 'ok' && o.value === 10)!;
    expect(done.process).toBe(t);
    // No invocation by the caught thread between its matching completion and the resume.
    const next = history.find((o) => o.index > done.index && o.type === 'invoke' && o.process === t);
    expect(next === undefined || next.time >= resumedAt).toBe(true);
  });
});

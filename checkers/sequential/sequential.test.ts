// Sequential consistency: lagging replicas are SC but not linearizable; backwards reads,
// non-compositional two-key histories and reads of unwritten values are not SC.

import { describe, expect, it } from 'vitest';
import type { History, Op } from '../../src/history.js';
import type { LinearizabilityWitness } from '../../src/protocols.js';
import { getChecker } from '../index.js';
import { checkSequential } from './index.js';
import { laggingReplicaHistory } from './lagging-sim.js';

/** Builds a history from [process, f, invokeValue, type, completionValue] rows, each op completing at once. */
function seq(rows: [number, string, unknown, 'ok' | 'fail' | 'info', unknown][]): History {
  const h: Op[] = [];
  for (const [process, f, value, type, out] of rows) {
    h.push({ index: h.length, time: h.length, type: 'invoke', process, f, value });
    h.push({ index: h.length, time: h.length, type, process, f, value: out });
  }
  return h;
}

/** Is there a read that starts after a write of another value completed, with no write in between possible? (a stale read) */
function hasStaleRead(h: History): boolean {
  // Single-register, unique values: a read returning v is stale if some write w2 ≠ v completed
  // before the read began and v's write was invoked before... simplified: w2 completed after v's write completed.
  const writes = new Map<unknown, { inv: number; ok: number }>();
  const open = new Map<number, Op>();
  const done: { inv: Op; ok: Op }[] = [];
  for (const op of h) {
    if (op.type === 'invoke') open.set(op.process as number, op);
    else {
      const inv = open.get(op.process as number)!;
      open.delete(op.process as number);
      if (op.type === 'ok') done.push({ inv, ok: op });
      if (op.type === 'ok' && op.f === 'write') writes.set(op.value, { inv: inv.index, ok: op.index });
    }
  }
  for (const { inv, ok } of done) {
    if (ok.f !== 'read' || ok.value === null) continue;
    const src = writes.get(ok.value);
    if (!src) continue;
    for (const w of writes.values()) if (w.inv > src.ok && w.ok < inv.index) return true;
  }
  return false;
}

describe('sequential consistency', () => {
  it('judges lagging-replica histories sequentially consistent and not linearizable', async () => {
    const h = laggingReplicaHistory({ processes: 5, opsPerProcess: 200, seed: 3, applyRate: 0.1 });
    const r = await checkSequential(h, { timeLimitMs: 20_000 });
    expect(r.valid).toBe(true);
    // Not linearizable: ask the linearizability checker if it is there, else show a stale read.
    const lin = getChecker('linearizable');
    if (lin) {
      const lr = await lin.create({ model: 'cas-register' }).check(h, { model: 'cas-register', timeLimitMs: 20_000 });
      expect(lr.valid).toBe(false);
    } else {
      expect(hasStaleRead(h)).toBe(true);
    }
  });

  it('handles independent keys, small value ranges, cas and crashed writes', async () => {
    for (const seed of [1, 2, 3]) {
      const h = laggingReplicaHistory({ processes: 6, opsPerProcess: 150, keys: 3, valueRange: 4, crashRatio: 0.02, seed });
      const r = await checkSequential(h, { timeLimitMs: 20_000 });
      expect(r.valid).toBe(true);
    }
  });

  it('finds a reader seeing one writer go backwards, with a small witness', async () => {
    const h = seq([
      [0, 'write', 1, 'ok', 1],
      [1, 'read', null, 'ok', 1],
      [0, 'write', 2, 'ok', 2],
      [2, 'read', null, 'ok', 2],
      [0, 'write', 3, 'ok', 3],
      [1, 'read', null, 'ok', 2],
      [1, 'read', null, 'ok', 1],
      [2, 'read', null, 'ok', 3],
    ]);
    const r = await checkSequential(h, {});
    expect(r.valid).toBe(false);
    const w = r.witness as LinearizabilityWitness;
    expect(w.ops.map((o) => o.label).sort()).toEqual(['read → 1', 'read → 2', 'write 1', 'write 2']);
    expect(w.text).toMatch(/cannot be placed/);
    expect(r.anomalies?.[0]?.index).toBe(13);
  });

  it('is not compositional: each key alone is SC, the pair of keys is not', async () => {
    const h = seq([
      [1, 'write', ['x', 1], 'ok', ['x', 1]],
      [2, 'write', ['y', 1], 'ok', ['y', 1]],
      [1, 'read', ['y', null], 'ok', ['y', null]],
      [2, 'read', ['x', null], 'ok', ['x', null]],
    ]);
    const r = await checkSequential(h, {});
    expect(r.valid).toBe(false);
    expect((r.stats as { perKey: Record<string, string> }).perKey).toEqual({ '"x"': 'true', '"y"': 'true' });
    expect((r.witness as LinearizabilityWitness).ops).toHaveLength(4);
    // Each key alone is fine.
    expect((await checkSequential(h.filter((o) => (o.value as unknown[])[0] === 'x'), {})).valid).toBe(true);
  });

  it('lets crashed writes take effect or not, and drops failed ones', async () => {
    const took = seq([
      [0, 'write', 1, 'info', null],
      [1, 'read', null, 'ok', 1],
      [1, 'read', null, 'ok', 1],
    ]);
    expect((await checkSequential(took, {})).valid).toBe(true);
    const notTook = seq([
      [0, 'write', 1, 'info', null],
      [1, 'read', null, 'ok', null],
    ]);
    expect((await checkSequential(notTook, {})).valid).toBe(true);
    const failed = seq([
      [0, 'write', 1, 'fail', null],
      [1, 'read', null, 'ok', 1],
    ]);
    const r = await checkSequential(failed, {});
    expect(r.valid).toBe(false);
    expect(r.summary).toMatch(/never written/);
    // A crashed write cannot take effect twice.
    const twice = seq([
      [0, 'write', 1, 'ok', 1],
      [2, 'write', 2, 'info', null],
      [1, 'read', null, 'ok', 2],
      [1, 'read', null, 'ok', 1],
      [1, 'read', null, 'ok', 2],
    ]);
    expect((await checkSequential(twice, {})).valid).toBe(false);
    // A crashed write nobody reads may still feed a crashed cas whose result is read.
    const chain = seq([
      [0, 'write', 2, 'info', null],
      [1, 'cas', [2, 3], 'info', null],
      [2, 'read', null, 'ok', 3],
    ]);
    expect((await checkSequential(chain, { model: 'cas-register' })).valid).toBe(true);
  });

  it('respects cas semantics', async () => {
    const ok = seq([
      [0, 'write', 1, 'ok', 1],
      [1, 'cas', [1, 2], 'ok', [1, 2]],
      [0, 'read', null, 'ok', 2],
    ]);
    expect((await checkSequential(ok, { model: 'cas-register' })).valid).toBe(true);
    const bad = seq([
      [0, 'write', 1, 'ok', 1],
      [1, 'cas', [3, 2], 'ok', [3, 2]],
      [0, 'read', null, 'ok', 2],
    ]);
    expect((await checkSequential(bad, { model: 'cas-register' })).valid).toBe(false);
  });

  it('refutes a large history with crashed writes through a closed prefix, with a 4-op witness', async () => {
    const h = laggingReplicaHistory({ processes: 10, opsPerProcess: 300, crashRatio: 0.02, seed: 9 });
    // Make one read of a process go back to a value it had overwritten long before.
    const reads = h.filter((o) => o.type === 'ok' && o.f === 'read' && o.value !== null);
    const a = reads[Math.floor(reads.length * 0.1)]!;
    const b = reads.filter((o) => o.process === a.process && o.index > a.index && o.value !== a.value)[2]!;
    b.value = reads.find((o) => o.index < a.index - 100 && o.value !== a.value)!.value;
    const r = await checkSequential(h, { timeLimitMs: 20_000 });
    expect(r.valid).toBe(false);
    const w = r.witness as LinearizabilityWitness;
    expect(w.ops.length).toBeLessThanOrEqual(6);
    expect(w.ops.some((o) => o.completeIndex === b.index)).toBe(true);
  });

  it('takes options as strings from the command line', async () => {
    const p = getChecker('sequential')!;
    const h = seq([[0, 'write', 1, 'ok', 1], [1, 'read', null, 'ok', 1]]);
    expect((await p.create({ model: 'register', maxStates: '100', keyed: 'false' }).check(h, {})).valid).toBe(true);
    await expect(async () => p.create({ keyed: 'maybe' }).check(h, {})).rejects.toThrow(/true or false/);
  });

  it('answers unknown when the budget runs out', async () => {
    // Many processes writing the same two values and reading them: a large search space that
    // is not SC (the last reader sees an impossible alternation).
    const rows: [number, string, unknown, 'ok' | 'fail' | 'info', unknown][] = [];
    for (let i = 0; i < 200; i++) rows.push([i % 8, i % 3 === 0 ? 'read' : 'write', i % 3 === 0 ? null : i % 2, 'ok', i % 3 === 0 ? (i >> 1) % 2 : i % 2]);
    const r = await checkSequential(seq(rows), { maxStates: 50 });
    expect(['unknown', false]).toContain(r.valid);
    const r2 = await checkSequential(laggingReplicaHistory({ processes: 6, opsPerProcess: 100, seed: 5 }), { maxStates: 3 });
    expect(r2.valid).toBe('unknown');
  });
});

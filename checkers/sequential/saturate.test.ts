// The saturation refutation: cycles for real violations, none for sequentially consistent histories.

import { describe, expect, it } from 'vitest';
import type { History, Op } from '../../src/history.js';
import { laggingReplicaHistory } from './lagging-sim.js';
import { buildProblem } from './problem.js';
import { saturate } from './saturate.js';

function seq(rows: [number, string, unknown, 'ok' | 'info', unknown][]): History {
  const h: Op[] = [];
  for (const [process, f, value, type, out] of rows) {
    h.push({ index: h.length, time: h.length, type: 'invoke', process, f, value });
    h.push({ index: h.length, time: h.length, type, process, f, value: out });
  }
  return h;
}

describe('saturate', () => {
  it('finds the cycle of a reader going backwards', () => {
    const h = seq([[0, 'write', 1, 'ok', 1], [0, 'write', 2, 'ok', 2], [1, 'read', null, 'ok', 2], [1, 'read', null, 'ok', 1]]);
    const p = buildProblem(h);
    const c = saturate(p, p.ops, Date.now() + 5000);
    expect(c).toBeDefined();
    expect(c!.text).toMatch(/in a circle/);
  });
  it('finds the two-key non-compositional cycle (reads of the initial value)', () => {
    const h = seq([
      [1, 'write', ['x', 1], 'ok', ['x', 1]],
      [2, 'write', ['y', 1], 'ok', ['y', 1]],
      [1, 'read', ['y', null], 'ok', ['y', null]],
      [2, 'read', ['x', null], 'ok', ['x', null]],
    ]);
    const p = buildProblem(h);
    const c = saturate(p, p.ops, Date.now() + 5000);
    expect(c?.ops).toHaveLength(4);
    expect(c!.why).toContain('initial-read');
  });
  it('finds no cycle in sequentially consistent histories, with or without crashes', () => {
    for (const crashRatio of [0, 0.05]) {
      const h = laggingReplicaHistory({ processes: 6, opsPerProcess: 150, keys: 2, crashRatio, seed: 4 });
      const p = buildProblem(h);
      expect(saturate(p, p.ops, Date.now() + 10_000)).toBeUndefined();
    }
  });
  it('does not use crashed writes that need not have happened', () => {
    // The crashed write of 2 might not have happened, so reading 1 after it is fine.
    const h = seq([[0, 'write', 1, 'ok', 1], [0, 'write', 2, 'info', null], [1, 'read', null, 'ok', 1]]);
    const p = buildProblem(h);
    expect(saturate(p, p.ops, Date.now() + 5000)).toBeUndefined();
  });
});

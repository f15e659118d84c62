// Convergence time from histories with final reads: the start point (heal or last update), the
// bracket [notBeforeMs, withinMs], disagreement, nodes that never showed the agreed value.
import { describe, expect, it } from 'vitest';
import { canonical, convergenceOf } from './convergence.js';
import type { Op } from './history.js';

const MS = 1e6;

/** Builds a history from [time ms, process, type, f, value, extra] rows. */
function hist(rows: Array<[number, number | 'nemesis', Op['type'], string, unknown, Record<string, unknown>?]>): Op[] {
  return rows.map(([t, process, type, f, value, extra], index) => ({ index, time: t * MS, process, type, f, value, ...(extra ?? {}) }));
}

const n = (node: string, final = false) => ({ node, ...(final ? { final: true } : {}) });

describe('convergenceOf', () => {
  it('is undefined without final reads', () => {
    expect(convergenceOf(hist([[0, 0, 'invoke', 'read', null], [1, 0, 'ok', 'read', [1]]]))).toBeUndefined();
  });

  it('brackets convergence from the heal: a read after it still stale gives the lower bound, the last node to read the agreed value the upper one', () => {
    const h = hist([
      [0, 0, 'invoke', 'add', 1, n('n1')],
      [1, 0, 'ok', 'add', 1, n('n1')],
      [2, 'nemesis', 'invoke', 'stop-partition', null],
      [10, 'nemesis', 'info', 'stop-partition', null],
      // n2 still stale 20 ms after the heal; n1 already has everything.
      [30, 1, 'invoke', 'read', null, n('n2')],
      [32, 1, 'ok', 'read', [], n('n2')],
      [40, 0, 'invoke', 'read', null, n('n1')],
      [41, 0, 'ok', 'read', [1], n('n1')],
      [100, 0, 'invoke', 'read', null, n('n1', true)],
      [101, 0, 'ok', 'read', [1], n('n1', true)],
      [100, 1, 'invoke', 'read', null, n('n2', true)],
      [103, 1, 'ok', 'read', [1], n('n2', true)],
    ]);
    const c = convergenceOf(h)!;
    expect(c).toMatchObject({ from: 'heal', fromTime: 10 * MS, finalReads: 2, agreed: true, distinctFinalValues: 1, notBeforeMs: 20, withinMs: 93, finalReadsAfterMs: 90 });
    expect(c.nodes).toEqual({ n1: { reads: 2, convergedByMs: 31 }, n2: { reads: 2, convergedByMs: 93 } });
  });

  it('without faults the clock starts at the last update; sets compare as sets', () => {
    const h = hist([
      [0, 0, 'invoke', 'add', 2, n('n1')],
      [5, 0, 'ok', 'add', 2, n('n1')],
      [6, 1, 'invoke', 'add', 1, n('n2')],
      [8, 1, 'ok', 'add', 1, n('n2')],
      [20, 0, 'invoke', 'read', null, n('n1', true)],
      [21, 0, 'ok', 'read', [1, 2], n('n1', true)],
      [20, 1, 'invoke', 'read', null, n('n2', true)],
      [22, 1, 'ok', 'read', [2, 1], n('n2', true)],
    ]);
    expect(convergenceOf(h)).toMatchObject({ from: 'last-update', fromTime: 8 * MS, agreed: true, withinMs: 14, notBeforeMs: 0 });
  });

  it('final reads that disagree: not converged, no time', () => {
    const h = hist([
      [0, 'nemesis', 'info', 'stop-partition', null],
      [10, 0, 'invoke', 'read', null, n('n1', true)],
      [11, 0, 'ok', 'read', 5, n('n1', true)],
      [10, 1, 'invoke', 'read', null, n('n2', true)],
      [11, 1, 'ok', 'read', 4, n('n2', true)],
    ]);
    expect(convergenceOf(h)).toMatchObject({ agreed: false, distinctFinalValues: 2, withinMs: null });
  });

  it('a node whose only reads after the heal disagree (its final read failed) never showed convergence', () => {
    const h = hist([
      [0, 'nemesis', 'info', 'stop-partition', null],
      [5, 1, 'invoke', 'read', null, n('n2')],
      [6, 1, 'ok', 'read', 4, n('n2')],
      [10, 0, 'invoke', 'read', null, n('n1', true)],
      [11, 0, 'ok', 'read', 5, n('n1', true)],
      [10, 1, 'invoke', 'read', null, n('n2', true)],
      [11, 1, 'fail', 'read', null, n('n2', true)],
    ]);
    const c = convergenceOf(h)!;
    expect(c.agreed).toBe(true);
    expect(c.withinMs).toBeNull();
    expect(c.nodes.n2).toEqual({ reads: 1, convergedByMs: null });
  });

  it('canonical: arrays as sets, object keys sorted, bigints exact', () => {
    expect(canonical([3, 1, 2])).toBe(canonical([1, 2, 3]));
    expect(canonical({ b: 1, a: [2, 1] })).toBe(canonical({ a: [1, 2], b: 1 }));
    expect(canonical(2n ** 64n)).toBe('18446744073709551616');
    expect(canonical([1, 2])).not.toBe(canonical([1, 2, 2]));
  });
});

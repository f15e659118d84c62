// The availability analysis behind bench/default-run.ts: which fault states leave a majority
// reachable, the no-majority windows of a history, and the ok fractions inside and outside them.
import { describe, expect, it } from 'vitest';
import type { Op } from '../src/history.js';
import { availability, majorityReachable, noMajorityWindows, type Grudge } from './availability.js';
import { bridge, complete, halves, isolateOne, majoritiesRing } from '../nemesis/grudge.js';
import { createRng } from '../src/rng.js';

const nodes = ['n1', 'n2', 'n3', 'n4', 'n5'];
const none = new Set<string>();

describe('majorityReachable', () => {
  it('every partition shape of the default run leaves a majority, on its own', () => {
    const rng = createRng(3);
    for (const g of [halves(nodes, rng), isolateOne(nodes, rng), bridge(nodes, rng), majoritiesRing(nodes, rng)]) {
      expect(majorityReachable(nodes, none, g)).toBe(true);
    }
  });

  it('no majority: three-way splits, a killed majority, or a partition and a kill together', () => {
    expect(majorityReachable(nodes, none, complete([['n1', 'n2'], ['n3', 'n4'], ['n5']]))).toBe(false);
    expect(majorityReachable(nodes, new Set(['n1', 'n2', 'n3']), {})).toBe(false);
    expect(majorityReachable(nodes, new Set(['n1', 'n2']), {})).toBe(true);
    // 2 | 3 halves, then one node of the 3 side killed.
    const g = complete([['n1', 'n2'], ['n3', 'n4', 'n5']]);
    expect(majorityReachable(nodes, new Set(['n5']), g)).toBe(false);
    expect(majorityReachable(nodes, new Set(['n1']), g)).toBe(true);
  });

  it('a grudge held one way only still cuts the link (messages must flow both ways)', () => {
    const g: Grudge = { n1: ['n2', 'n3'], n4: ['n5'] };
    expect(majorityReachable(['n1', 'n2', 'n3'], none, g)).toBe(true); // n2 and n3 see each other
    expect(majorityReachable(['n1', 'n2', 'n3'], none, { n1: ['n2', 'n3'], n2: ['n3'] })).toBe(false);
  });
});

let index = 0;
const op = (time: number, process: number | 'nemesis', type: Op['type'], f: string, value: unknown, extra: Partial<Op> = {}): Op => ({ index: index++, time: time * 1e9, process, type, f, value, ...extra });

describe('availability of a history', () => {
  it('finds the no-majority windows (from the fault invocation to the healing completion) and splits ops by them', () => {
    index = 0;
    const h: Op[] = [
      op(0, 0, 'invoke', 'read', null, { node: 'n1' }), op(1, 0, 'ok', 'read', null),
      op(2, 'nemesis', 'invoke', 'kill', null), op(2.1, 'nemesis', 'info', 'kill', { targets: 'majority', nodes: ['n1', 'n2', 'n3'] }),
      op(3, 1, 'invoke', 'write', 1, { node: 'n4' }), op(3.5, 1, 'fail', 'write', 1, { error: { code: 11, text: 'no leader known' } }),
      op(4, 'nemesis', 'invoke', 'start', null), op(4.5, 'nemesis', 'info', 'start', ['n1', 'n2', 'n3']),
      op(5, 0, 'invoke', 'read', null, { node: 'n1' }), op(5.1, 0, 'ok', 'read', null),
      op(6, 'nemesis', 'invoke', 'start-partition', null), op(6.1, 'nemesis', 'info', 'start-partition', { shape: 'one', grudge: complete([['n1'], ['n2', 'n3', 'n4', 'n5']]) }),
      op(7, 0, 'invoke', 'read', null, { node: 'n1' }), op(7.4, 0, 'fail', 'read', null, { error: { code: 11, text: 'no leader known' } }),
      op(8, 1, 'invoke', 'read', null, { node: 'n4' }), op(8.1, 1, 'ok', 'read', null),
    ];
    expect(noMajorityWindows(h, nodes)).toEqual([{ start: 2e9, end: 4.5e9 }]);
    const a = availability(h, nodes, 2, 10);
    expect(a.perThread).toEqual([3, 2]);
    expect(a.inside).toEqual({ ops: 1, ok: 0 });
    expect(a.outside).toEqual({ ops: 4, ok: 3 });
    // n1 was cut off for its failed read: only the other three count as at a node reaching a majority.
    expect(a.connected).toEqual({ ops: 3, ok: 3 });
    expect(a.errorsOutside).toEqual({ 'fail (node cut off): no leader known': 1 });
  });
});

import { describe, expect, it } from 'vitest';
import { topology } from './topology.js';

const nodes = ['n1', 'n2', 'n3', 'n4', 'n5'];

describe('broadcast topologies', () => {
  it('line, grid, tree and total', () => {
    expect(topology('line', nodes)).toEqual({ n1: ['n2'], n2: ['n1', 'n3'], n3: ['n2', 'n4'], n4: ['n3', 'n5'], n5: ['n4'] });
    // 5 nodes on a 3-wide grid: n1 n2 n3 / n4 n5
    expect(topology('grid', nodes)).toEqual({ n1: ['n2', 'n4'], n2: ['n1', 'n3', 'n5'], n3: ['n2'], n4: ['n1', 'n5'], n5: ['n2', 'n4'] });
    expect(topology('tree', nodes)).toEqual({ n1: ['n2', 'n3'], n2: ['n1', 'n4', 'n5'], n3: ['n1'], n4: ['n2'], n5: ['n2'] });
    expect(topology('total', ['a', 'b', 'c'])).toEqual({ a: ['b', 'c'], b: ['a', 'c'], c: ['a', 'b'] });
  });
  it('every topology is connected and symmetric', () => {
    for (const t of ['line', 'grid', 'tree', 'tree3', 'tree4', 'total']) {
      for (let n = 1; n <= 12; n++) {
        const ids = Array.from({ length: n }, (_, i) => `n${i + 1}`);
        const g = topology(t, ids);
        for (const [a, bs] of Object.entries(g)) for (const b of bs) expect(g[b]).toContain(a);
        const seen = new Set(['n1']);
        const todo = ['n1'];
        while (todo.length) for (const b of g[todo.pop()!]!) if (!seen.has(b)) (seen.add(b), todo.push(b));
        expect(seen.size).toBe(n);
      }
    }
  });
  it('refuses an unknown name, naming the option', () => {
    expect(() => topology('star', nodes)).toThrow(/--topology.*star|star.*--topology/);
  });
});

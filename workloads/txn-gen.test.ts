import { describe, expect, it } from 'vitest';
import { createRng } from '../src/rng.js';
import { listAppendTxns } from './list-append.js';
import { rwRegisterTxns } from './rw-register.js';

describe('Elle-style transaction generators', () => {
  it('are deterministic given the rng, with 1-4 micro-ops', () => {
    const a = listAppendTxns(), b = listAppendTxns();
    const ra = createRng(9), rb = createRng(9);
    for (let i = 0; i < 200; i++) {
      const t = a.next(ra);
      expect(b.next(rb)).toEqual(t);
      expect(t.length).toBeGreaterThanOrEqual(1);
      expect(t.length).toBeLessThanOrEqual(4);
      for (const m of t) expect(['append', 'r']).toContain(m[0]);
    }
  });

  it('write unique values per key and retire a key after maxWritesPerKey writes', () => {
    const g = rwRegisterTxns({ keyCount: 3, maxWritesPerKey: 5 });
    const rng = createRng(1);
    const writes = new Map<number, unknown[]>();
    for (let i = 0; i < 500; i++) {
      for (const [f, k, v] of g.next(rng)) {
        if (f === 'r') { expect(v).toBeNull(); continue; }
        expect(f).toBe('w');
        writes.set(k, [...(writes.get(k) ?? []), v]);
      }
    }
    expect(writes.size).toBeGreaterThan(10);
    for (const [, vs] of writes) {
      expect(new Set(vs).size).toBe(vs.length);
      expect(vs.length).toBeLessThanOrEqual(5);
    }
  });

  it('refuses nonsense options', () => {
    expect(() => listAppendTxns({ minTxnLength: 3, maxTxnLength: 2 })).toThrow(RangeError);
  });
});

// Internal consistency (INT): a read that disagrees with the transaction's own most recent read
// or write of the key. Hand-made cases on both sides of the line, the explanation (earlier read or
// write and its position, later read, expected vs seen), the verdict per consistency model, and a
// brute-force oracle on thousands of random transactions: a txn has no INT case exactly when some
// initial state of its keys explains every one of its reads.

import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/rng.js';
import { checkElle } from './check.js';
import { internalCases } from './internal.js';
import { build, concurrent, seq } from './test-helpers.js';
import type { MicroOp } from './txn.js';
import { getChecker } from '../index.js';

const la = (steps: Parameters<typeof build>[0], model = 'strict-serializable') => checkElle(build(steps), 'list-append', { consistencyModel: model });
const rw = (steps: Parameters<typeof build>[0], model = 'strict-serializable') => checkElle(build(steps), 'rw-register', { consistencyModel: model });
const cases = (mops: unknown[][], kind: 'list-append' | 'rw-register' = 'list-append') => internalCases(mops as MicroOp[], kind);

describe('INT in list-append', () => {
  it("catches PostgreSQL read committed's non-repeatable read [[r 7 nil] [r 7 [1 2]]] and explains it", () => {
    const r = la(concurrent([[['r', 7, null], ['r', 7, [1, 2]]], [['append', 7, 1], ['append', 7, 2]]]));
    expect(r.anomalyTypes).toContain('internal');
    expect(r.valid).toBe(false);
    const a = r.examples.internal![0]!;
    expect(a.internal).toEqual({ key: 7, read: 1, seen: [1, 2], expected: [], basis: [0] });
    expect(a.text).toMatch(/^T\d+ read key 7 as nil at micro-op 1, then read it as \[1 2\] at micro-op 2 \(a non-repeatable read\): expected \[\], saw \[1 2\]$/);
    expect(r.anomalies.some((x) => x.message.startsWith('internal: '))).toBe(true);
    // Read committed allows non-repeatable reads; snapshot isolation and serializability do not.
    expect(r.not).toContain('snapshot-isolation');
    expect(r.possible).toContain('read-committed');
    expect(getChecker('list-append')!.format!(r)).toContain('then read it as [1 2] at micro-op 2');
  });

  it('after a read and own appends, a later read must be exactly that read followed by the appends', () => {
    expect(cases([['r', 'x', [1]], ['append', 'x', 3], ['r', 'x', [1, 3]]])).toEqual([]);
    const [c] = cases([['r', 'x', [1]], ['append', 'x', 3], ['r', 'x', [1, 2, 3]]]);
    expect(c).toEqual({ key: 'x', read: 2, seen: [1, 2, 3], expected: [1, 3], basis: [0, 1] });
    expect(cases([['append', 'x', 1], ['r', 'x', [1]], ['append', 'x', 2], ['r', 'x', [1, 2]]])).toEqual([]);
    // Repeated reads agree; nil is the empty list; the third read is judged against the second.
    expect(cases([['r', 'x', [1, 2]], ['r', 'x', [1, 2]], ['r', 'x', null], ['r', 'x', []]])).toEqual([{ key: 'x', read: 2, seen: null, expected: [1, 2], basis: [1] }]);
  });

  it('after own appends without a read, a later read must end with them, in order', () => {
    expect(cases([['append', 'x', 3], ['r', 'x', [1, 2, 3]]])).toEqual([]);
    expect(cases([['append', 'x', 3], ['append', 'x', 4], ['r', 'x', [3, 4]]])).toEqual([]);
    expect(cases([['append', 'x', 3], ['append', 'x', 4], ['r', 'x', [4, 3]]])).toEqual([{ key: 'x', read: 2, seen: [4, 3], expected: [3, 4], endsWith: true, basis: [0, 1] }]);
    expect(cases([['append', 'x', 3], ['r', 'x', null]])).toHaveLength(1);
    const r = la(seq(0, [['append', 'x', 3], ['append', 'x', 4], ['r', 'x', [4, 3]]]));
    expect(r.examples.internal![0]!.text).toBe(`T1 appended 3 to key "x" at micro-op 1 and appended 4 at micro-op 2, then read it as [4 3] at micro-op 3: expected a list ending with [3 4], saw [4 3]`);
  });

  it('is not fooled by other keys, by future reads, or by failed and crashed transactions', () => {
    expect(cases([['r', 'x', [1]], ['r', 'y', [2]], ['append', 'y', 3], ['r', 'x', [1]], ['r', 'y', [2, 3]]])).toEqual([]);
    // A read of a value it appends later is a future read, not INT.
    const fr = la(seq(0, [['r', 'x', [1]], ['append', 'x', 1]]));
    expect(fr.anomalyTypes).toEqual(['future-read']);
    // Reads of failed and info transactions say nothing: only ok ones are judged.
    const failed = la([...seq(0, [['append', 'x', 1]]), ...seq(1, [['r', 'x', null], ['r', 'x', [1]]], 'fail'), ...seq(2, [['r', 'x', [1]]])]);
    expect(failed.anomalyTypes).toEqual([]);
    const info = build([['invoke', 1, [['r', 'x', null], ['r', 'x', null]]], ['info', 1, [['r', 'x', []], ['r', 'x', [1]]]], ...seq(0, [['append', 'x', 1]])]);
    expect(checkElle(info, 'list-append').anomalyTypes).toEqual([]);
  });
});

describe('INT in rw-register', () => {
  it('after a read of v, the next read must be v (nil included): a non-repeatable read', () => {
    const r = rw(concurrent([[['r', 'x', null], ['r', 'x', 5]], [['w', 'x', 5]]]));
    expect(r.anomalyTypes).toContain('internal');
    const a = r.examples.internal![0]!;
    expect(a.internal).toEqual({ key: 'x', read: 1, seen: 5, expected: null, basis: [0] });
    expect(a.text).toMatch(/read key "x" as nil at micro-op 1, then read it as 5 at micro-op 2 \(a non-repeatable read\): expected nil, saw 5$/);
    expect(rw(concurrent([[['r', 'x', null], ['r', 'x', 5]], [['w', 'x', 5]]]), 'read-committed').valid).toBe(true);
    expect(cases([['r', 'x', 1], ['r', 'x', 2]], 'rw-register')).toEqual([{ key: 'x', read: 1, seen: 2, expected: 1, basis: [0] }]);
    expect(cases([['r', 'x', 1], ['r', 'x', 1]], 'rw-register')).toEqual([]);
  });

  it('after a write of v, the next read must be v; the most recent of read and write counts', () => {
    expect(cases([['w', 'x', 1], ['r', 'x', 1]], 'rw-register')).toEqual([]);
    expect(cases([['r', 'x', 1], ['w', 'x', 2], ['r', 'x', 2]], 'rw-register')).toEqual([]);
    expect(cases([['r', 'x', 1], ['w', 'x', 2], ['r', 'x', 1]], 'rw-register')).toEqual([{ key: 'x', read: 2, seen: 1, expected: 2, basis: [1] }]);
    expect(cases([['w', 'x', 1], ['w', 'x', 2], ['r', 'x', 1]], 'rw-register')).toEqual([{ key: 'x', read: 2, seen: 1, expected: 2, basis: [1] }]);
    const r = rw(seq(0, [['w', 'x', 1], ['r', 'x', null]]));
    expect(r.anomalyTypes).toEqual(['internal']);
    expect(r.examples.internal![0]!.text).toBe('T1 wrote 1 to key "x" at micro-op 1, then read it as nil at micro-op 2: expected 1, saw nil');
    // Each bad read once, judged against the one before it.
    expect(cases([['r', 'x', 1], ['r', 'x', 2], ['r', 'x', 2], ['r', 'x', 3]], 'rw-register').map((c) => c.read)).toEqual([1, 3]);
  });
});

describe('INT agrees with brute force', () => {
  // Brute force: some initial state per key makes every read of the txn what it returned.
  function explainable(mops: unknown[][], append: boolean): boolean {
    const keys = [...new Set(mops.map((m) => m[1]))];
    const domain = [1, 2, 3];
    const inits: unknown[] = append ? [[]] : [null, ...domain];
    if (append) for (let n = 1; n <= 3; n++) for (const prev of inits.filter((l) => (l as unknown[]).length === n - 1)) for (const d of domain) inits.push([...(prev as unknown[]), d]);
    return keys.every((k) => inits.some((init) => {
      let s: unknown = init;
      for (const [f, key, v] of mops) {
        if (key !== k) continue;
        if (f === 'r') {
          if (JSON.stringify(s) !== JSON.stringify(v ?? (append ? [] : null))) return false;
        } else s = append ? [...(s as unknown[]), v] : v;
      }
      return true;
    }));
  }

  for (const kind of ['list-append', 'rw-register'] as const) {
    it(`${kind}: no case exactly when some initial state explains every read (5000 random txns)`, () => {
      const rng = createRng(11);
      const append = kind === 'list-append';
      let flagged = 0;
      for (let i = 0; i < 5000; i++) {
        const mops: unknown[][] = [];
        const len = 2 + rng.int(4);
        for (let j = 0; j < len; j++) {
          const k = rng.pick(['x', 'y']);
          if (rng.int(2)) mops.push([append ? 'append' : 'w', k, 1 + rng.int(3)]);
          else if (append) mops.push(['r', k, rng.int(5) === 0 ? null : Array.from({ length: rng.int(3) }, () => 1 + rng.int(3))]);
          else mops.push(['r', k, rng.int(4) === 0 ? null : 1 + rng.int(3)]);
        }
        const found = cases(mops, kind);
        if (found.length) flagged++;
        expect({ mops, int: found.length > 0 }).toEqual({ mops, int: !explainable(mops, append) });
      }
      expect(flagged).toBeGreaterThan(500);
      expect(flagged).toBeLessThan(4900);
    });
  }
});

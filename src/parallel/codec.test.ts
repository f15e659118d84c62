// The worker codec: JSON-like values, bigints and undefined survive the trip; other objects are
// refused (so the caller keeps the work in its own thread).

import { describe, expect, it } from 'vitest';
import { Packer, Unpackable, Unpacker } from './codec.js';

describe('codec', () => {
  it('round-trips JSON-like values, bigints, undefined and an own __proto__ key', () => {
    const values: unknown[] = [
      null, undefined, true, false, 0, -1.5, 2 ** 60, NaN, '', 'x 3 0 y', 'é✓', 12345678901234567890n,
      [], [1, [2, [3, null]]], { a: 1, b: [true, { c: 'd' }], e: undefined }, JSON.parse('{"__proto__": {"x": 1}}'),
    ];
    const p = new Packer();
    for (const v of values) p.value(v);
    const u = new Unpacker(p.finish());
    for (const v of values) {
      const got = u.value();
      expect(got).toEqual(v);
      if (v && typeof v === 'object' && !Array.isArray(v)) expect(Object.getPrototypeOf(got)).toBe(Object.prototype);
    }
    const proto = JSON.parse('{"__proto__": {"x": 1}}') as Record<string, unknown>;
    const p2 = new Packer();
    p2.value(proto);
    const back = new Unpacker(p2.finish()).value() as Record<string, unknown>;
    expect(Object.keys(back)).toEqual(['__proto__']);
    expect((back as { x?: number }).x).toBeUndefined();
  });

  it('refuses maps, dates, functions and symbols', () => {
    for (const v of [new Map(), new Date(0), () => 1, Symbol('s'), [new Set([1])]]) expect(() => new Packer().value(v)).toThrow(Unpackable);
  });
});

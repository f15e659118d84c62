// Value identity with exact integers: bigint and number compare by the integer they denote,
// distinct 64-bit values never meet, hashes agree with equality, printing keeps every digit.

import { describe, expect, it } from 'vitest';
import { addNumbers, canonicalInt, canonicalJson, hashValue, sameValue, showValue, valueKey } from './values.js';

const A = 9007199254740993n; // 2^53 + 1: no double holds it
const B = 9007199254740992n; // 2^53

describe('value identity', () => {
  it('keeps integers beyond 2^53 apart and exact', () => {
    expect(sameValue(A, B)).toBe(false);
    expect(valueKey(A)).not.toBe(valueKey(B));
    expect(canonicalJson([A, { b: B, a: 1 }])).toBe('[9007199254740993,{"a":1,"b":9007199254740992}]');
    expect(sameValue([A], [B])).toBe(false);
    expect(sameValue({ x: [A] }, { x: [A] })).toBe(true);
    expect(sameValue(2n ** 63n - 1n, 2n ** 63n - 2n)).toBe(false);
  });

  it('treats a safe bigint and a number as the same integer, and an integer double as its bigint', () => {
    expect(sameValue(1, 1n)).toBe(true);
    expect(valueKey(1n)).toBe(valueKey(1));
    expect(hashValue(1n)).toBe(hashValue(1));
    expect(sameValue(2 ** 60, 2n ** 60n)).toBe(true);
    expect(valueKey(2 ** 60)).toBe(valueKey(2n ** 60n));
    expect(hashValue(2 ** 60)).toBe(hashValue(2n ** 60n));
    expect(canonicalJson([1n, 2 ** 60])).toBe(canonicalJson([1, 2n ** 60n]));
    expect(canonicalInt(5n)).toBe(5);
    expect(canonicalInt(A)).toBe(A);
  });

  it('keeps strings, numbers and structures apart, and nil is nil', () => {
    expect(sameValue('1', 1)).toBe(false);
    expect(valueKey('1')).not.toBe(valueKey(1));
    expect(valueKey('j:[1]')).not.toBe(valueKey([1]));
    expect(sameValue(null, undefined)).toBe(true);
    expect(sameValue([1, 2], [1, 2])).toBe(true);
    expect(sameValue({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe(true);
  });

  it('prints every digit, nil, quoted strings with control characters escaped', () => {
    expect(showValue(A)).toBe('9007199254740993');
    expect(showValue([A, null, 'x'])).toBe('[9007199254740993,null,"x"]');
    expect(showValue(null)).toBe('nil');
    expect(showValue('a\u001b[31m')).toBe('"a\\u001b[31m"');
    expect(showValue([1, 2, 3, 4, 5], 6)).toBe('[1,2,…');
  });

  it('adds exactly past 2^53 and stays a number when it can', () => {
    expect(addNumbers(2 ** 53, 1)).toBe(A);
    expect(addNumbers(B, 1)).toBe(A);
    expect(addNumbers(A, -1n)).toBe(B);
    expect(addNumbers(A, -A)).toBe(0);
    expect(addNumbers(1, 2)).toBe(3);
    expect(addNumbers(0.5, 0.25)).toBe(0.75);
  });
});

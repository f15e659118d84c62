// Exact JSON: integers beyond 2^53 read as bigint and written back as bare literals, everything
// else exactly as JSON.parse / JSON.stringify do; nesting beyond MAX_DEPTH refused with the place.

import { describe, expect, it } from 'vitest';
import { MAX_DEPTH, parseJson, parseJsonExact, stringifyJson } from './json.js';

describe('parseJson', () => {
  it('keeps integers beyond 2^53 exact, and safe integers as numbers', () => {
    expect(parseJson('{"a":9007199254740993,"b":[-9007199254740993,9007199254740991],"c":{"d":123456789012345678901234567890}}', 'x')).toEqual({
      a: 9007199254740993n,
      b: [-9007199254740993n, 9007199254740991],
      c: { d: 123456789012345678901234567890n },
    });
    expect(parseJson('[9007199254740992, 1.5e300, 12345678901234567.5, "12345678901234567890"]', 'x')).toEqual([9007199254740992n, 1.5e300, 12345678901234567.5, '12345678901234567890']);
    expect(typeof parseJson('9007199254740991', 'x')).toBe('number');
  });

  it('agrees with JSON.parse on everything else', () => {
    const samples = ['{"a":[1,2,{"b":null}],"c":"x\\"y\\\\z\\u00e9\\n","d":true,"e":false,"f":-0.5e-3}', '[]', '{}', '"s"', '  [ 1 , 2 ]  ', '{"__proto__":{"x":1}}'];
    for (const s of samples) expect(parseJsonExact(s, 'x')).toEqual(JSON.parse(s));
    expect(Object.getPrototypeOf(parseJsonExact('{"__proto__":{"x":1}}', 'x'))).toBe(Object.prototype);
    for (const bad of ['{"a":1,}', '[1 2]', '01', '{"a"}', '"\u0001"', '[1', 'tru', '1 2', '-', '1.', '1e']) {
      expect(() => parseJsonExact(bad + ' 12345678901234567', 'f.jsonl:3')).toThrow(/f\.jsonl:3: malformed JSON/);
      expect(() => JSON.parse(bad)).toThrow();
    }
  });

  it('refuses nesting beyond MAX_DEPTH on both paths, naming the place', () => {
    const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);
    expect(() => parseJson(deep(MAX_DEPTH + 1), 'h.jsonl:7')).toThrow(/h\.jsonl:7: JSON nested deeper than 1000 levels/);
    expect(() => parseJson(deep(100_000), 'h.jsonl:7')).toThrow(/nested deeper/);
    expect(() => parseJson(`[12345678901234567,${deep(5000)}]`, 'h.jsonl:8')).toThrow(/h\.jsonl:8: JSON nested deeper/);
    expect(parseJson(deep(MAX_DEPTH), 'x')).toBeTruthy();
    // Brackets inside strings do not count.
    expect(parseJson(JSON.stringify({ s: '['.repeat(5000) }), 'x')).toEqual({ s: '['.repeat(5000) });
  });
});

describe('stringifyJson', () => {
  it('writes bigints as bare integer literals', () => {
    expect(stringifyJson({ a: 9007199254740993n, b: [1n, -2n], c: 'x' })).toBe('{"a":9007199254740993,"b":[1,-2],"c":"x"}');
    expect(parseJson(stringifyJson({ v: [9007199254740993n, { k: -123456789012345678901n }] }), 'x')).toEqual({ v: [9007199254740993n, { k: -123456789012345678901n }] });
  });

  it('matches JSON.stringify on everything else, indentation included', () => {
    const v = { a: [1, 'x', null, undefined, () => 1], b: { c: undefined, d: new Date(0), e: NaN, f: {} , g: [] }, h: true };
    // The slow path is taken only with a bigint inside; compare it through a value that has one.
    const withBig = { ...v, z: 1n };
    for (const indent of [undefined, 2]) {
      const ours = stringifyJson(withBig, indent);
      const theirs = JSON.stringify({ ...v, z: 1 }, null, indent);
      expect(ours).toBe(theirs);
    }
    const circular: Record<string, unknown> = { n: 1n };
    circular.self = circular;
    expect(() => stringifyJson(circular)).toThrow(/circular/);
  });
});

// Value identity and printing for every checker. History values are JSON-like, except that
// integers beyond 2^53 arrive as `bigint` (the readers keep them exact). Two values are the same
// when they denote the same JSON value with integers compared exactly: 9007199254740993n and
// 9007199254740992n differ, while 1 and 1n (which the readers never produce side by side, but an
// API user might) are the same integer. JSON.stringify throws on a bigint, so nothing here uses it
// on a value.

/** A Map/Set key standing for a value: equal keys (SameValueZero) iff the values are the same. */
export type ValueKey = string | number | bigint;

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = -MAX_SAFE;

/**
 * An integer in one canonical representation: a number when it is a safe integer, a bigint
 * otherwise. An integer-valued double beyond 2^53 denotes exactly one integer: that bigint.
 */
export function canonicalInt(v: number | bigint): number | bigint {
  if (typeof v === 'bigint') return v >= MIN_SAFE && v <= MAX_SAFE ? Number(v) : v;
  return Number.isInteger(v) && !Number.isSafeInteger(v) ? BigInt(v) : v;
}

/** Is this value an integer (a bigint or an integer-valued number)? */
export function isInteger(v: unknown): v is number | bigint {
  return typeof v === 'bigint' || (typeof v === 'number' && Number.isInteger(v));
}

/** Is this value a number for arithmetic (a finite number or a bigint)? */
export function isNumeric(v: unknown): v is number | bigint {
  return typeof v === 'bigint' || (typeof v === 'number' && Number.isFinite(v));
}

function numberText(v: number | bigint): string {
  const c = canonicalInt(v);
  if (typeof c === 'bigint') return c.toString();
  // -0 prints as 0 (JSON's reading); NaN and infinities cannot come from JSON: keep them apart.
  return Number.isFinite(c) ? JSON.stringify(c) : String(c);
}

function text(v: unknown, sortKeys: boolean): string {
  if (v === undefined || v === null) return 'null';
  switch (typeof v) {
    case 'string':
      return JSON.stringify(v);
    case 'number':
    case 'bigint':
      return numberText(v);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'object':
      break;
    default:
      return JSON.stringify(String(v));
  }
  if (Array.isArray(v)) return '[' + v.map((x) => text(x, sortKeys)).join(',') + ']';
  const o = v as Record<string, unknown>;
  const keys = sortKeys ? Object.keys(o).sort() : Object.keys(o);
  return '{' + keys.map((k) => JSON.stringify(k) + ':' + text(o[k], sortKeys)).join(',') + '}';
}

/** JSON text of a value with object keys sorted and integers exact: equal iff the values are the same. */
export function canonicalJson(v: unknown): string {
  return text(v, true);
}

/** A Map key for a value: primitives stay primitives (integers canonical), structures become text. */
export function valueKey(v: unknown): ValueKey {
  if (typeof v === 'number' || typeof v === 'bigint') return canonicalInt(v);
  if (typeof v === 'string') return 's:' + v;
  if (v === undefined || v === null) return 'null';
  return 'j:' + canonicalJson(v);
}

/** Structural equality with exact integers (null and undefined are the same nil). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || a === undefined) return b === null || b === undefined;
  const ta = typeof a, tb = typeof b;
  if ((ta === 'number' || ta === 'bigint') && (tb === 'number' || tb === 'bigint')) {
    return canonicalInt(a as number | bigint) === canonicalInt(b as number | bigint);
  }
  if (ta !== 'object' || tb !== 'object' || b === null) return false;
  return canonicalJson(a) === canonicalJson(b);
}

/** 32-bit FNV-1a of a string. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Mix a 32-bit integer (murmur3 finalizer). */
export function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/** A 32-bit hash consistent with `sameValue`. */
export function hashValue(v: unknown): number {
  if (v === null || v === undefined) return 0x9e3779b9;
  if (typeof v === 'number' || typeof v === 'bigint') {
    const c = canonicalInt(v);
    if (typeof c === 'bigint') return hashString(c.toString()) ^ 0x2545f491;
    return Number.isInteger(c) ? mix32(c | 0) ^ mix32((c / 4294967296) | 0) : hashString(String(c));
  }
  if (typeof v === 'string') return hashString(v) ^ 0x5bd1e995;
  if (typeof v === 'boolean') return v ? 0x1b873593 : 0xcc9e2d51;
  return hashString(canonicalJson(v));
}

/** JSON text of a value in its own key order, integers exact (bigint digits unquoted). */
export function jsonText(v: unknown): string {
  return text(v, false);
}

/**
 * A value for people: `nil` for null, strings quoted (control characters escaped), integers with
 * all their digits, structures as compact JSON in their own key order; cut to `max` characters.
 */
export function showValue(v: unknown, max = Infinity): string {
  const s = v === null || v === undefined ? 'nil' : text(v, false);
  return s.length > max ? s.slice(0, Math.max(1, max - 1)) + '…' : s;
}

// ---------------------------------------------------------------- exact arithmetic

/** Exact integer arithmetic when both are integers (bigint past 2^53), float otherwise. */
export function addNumbers(a: number | bigint, b: number | bigint): number | bigint {
  if (typeof a === 'number' && typeof b === 'number') {
    const s = a + b;
    if (Number.isSafeInteger(s) || !Number.isInteger(a) || !Number.isInteger(b)) return s;
  }
  if (isInteger(a) && isInteger(b)) return canonicalInt(BigInt(a) + BigInt(b));
  // A fraction and a big integer: no exact sum exists in either type.
  return Number(a) + Number(b);
}

/** -1, 0 or 1: numbers and bigints compare exactly (JS relational operators mix them exactly). */
export function compareNumbers(a: number | bigint, b: number | bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

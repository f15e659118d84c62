// JSON with exact integers, for everything faultline reads and writes. An integer beyond
// ±(2^53−1) is a `bigint`, every other number a `number` (one representation across readers,
// checkers and writers). Reading: JSON.parse when no digit run could be such an integer (the fast
// path), else our own parser. Writing: JSON.stringify unless a bigint is inside, then our own
// serializer printing bigints as bare integer literals. Values nested deeper than MAX_DEPTH are
// refused: everything downstream (checkers, writers, structuredClone) recurses over values.

import { badInput } from './errors.js';

/** Deepest nesting of arrays/objects accepted in a value (histories nest a handful of levels). */
export const MAX_DEPTH = 1000;

/** A digit run this long may be an integer beyond 2^53 (9007199254740992 has 16 digits). */
const LONG_DIGITS = /\d{16}/;

/**
 * Parse one JSON document, integers exact. `where` names the place in errors: a file, or with
 * `line` file:line (built only for an error: this runs once per line of a history).
 */
export function parseJson(text: string, where: string, line?: number): unknown {
  if (LONG_DIGITS.test(text)) return parseJsonExact(text, place(where, line));
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw badInput(`malformed JSON: ${(e as Error).message}`, place(where, line));
  }
  // JSON.parse itself does not recurse, but a value this deep would break whatever walks it next.
  if (text.length > 2 * MAX_DEPTH && nestingExceeds(text, MAX_DEPTH)) throw badInput(`JSON nested deeper than ${MAX_DEPTH} levels`, place(where, line));
  return v;
}

function place(where: string, line?: number): string {
  return line === undefined ? where : `${where}:${line}`;
}

/** Does the bracket nesting of (well-formed) JSON text exceed `max`? Strings are skipped. */
function nestingExceeds(text: string, max: number): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      // Skip the string: to the next quote not escaped.
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 92) i++;
        else if (d === 34) break;
      }
    } else if (c === 91 || c === 123) {
      if (++depth > max) return true;
    } else if (c === 93 || c === 125) depth--;
  }
  return false;
}

/** The JSON parser behind parseJson's slow path: integers beyond 2^53 become bigints. */
export function parseJsonExact(text: string, where: string): unknown {
  const p = new ExactParser(text, where);
  p.ws();
  const v = p.value(0);
  p.ws();
  if (p.pos < text.length) p.fail(`unexpected ${JSON.stringify(text[p.pos])} after the value`);
  return v;
}

class ExactParser {
  pos = 0;
  constructor(private readonly s: string, private readonly where: string) {}

  fail(msg: string): never {
    throw badInput(`malformed JSON: ${msg} at position ${this.pos}`, this.where);
  }

  ws(): void {
    const s = this.s;
    for (;;) {
      const c = s.charCodeAt(this.pos);
      if (c === 32 || c === 10 || c === 13 || c === 9) this.pos++;
      else return;
    }
  }

  value(depth: number): unknown {
    const s = this.s;
    const c = s.charCodeAt(this.pos);
    if (c === 123 || c === 91) {
      if (depth >= MAX_DEPTH) throw badInput(`JSON nested deeper than ${MAX_DEPTH} levels`, this.where);
      return c === 123 ? this.object(depth + 1) : this.array(depth + 1);
    }
    if (c === 34) return this.string();
    if (c === 45 || (c >= 48 && c <= 57)) return this.number();
    for (const [word, v] of WORDS) {
      if (s.startsWith(word, this.pos)) {
        this.pos += word.length;
        return v;
      }
    }
    if (this.pos >= s.length) this.fail('unexpected end of input');
    this.fail(`unexpected ${JSON.stringify(s[this.pos])}`);
  }

  object(depth: number): Record<string, unknown> {
    const s = this.s;
    const out: Record<string, unknown> = {};
    this.pos++;
    this.ws();
    if (s.charCodeAt(this.pos) === 125) {
      this.pos++;
      return out;
    }
    for (;;) {
      if (s.charCodeAt(this.pos) !== 34) this.fail('expected a property name');
      const k = this.string();
      this.ws();
      if (s.charCodeAt(this.pos) !== 58) this.fail("expected ':'");
      this.pos++;
      this.ws();
      setProperty(out, k, this.value(depth));
      this.ws();
      const c = s.charCodeAt(this.pos++);
      if (c === 125) return out;
      if (c !== 44) { this.pos--; this.fail("expected ',' or '}'"); }
      this.ws();
    }
  }

  array(depth: number): unknown[] {
    const s = this.s;
    const out: unknown[] = [];
    this.pos++;
    this.ws();
    if (s.charCodeAt(this.pos) === 93) {
      this.pos++;
      return out;
    }
    for (;;) {
      this.ws();
      out.push(this.value(depth));
      this.ws();
      const c = s.charCodeAt(this.pos++);
      if (c === 93) return out;
      if (c !== 44) { this.pos--; this.fail("expected ',' or ']'"); }
    }
  }

  string(): string {
    const s = this.s;
    const start = ++this.pos;
    let i = start;
    // Plain strings (no escapes) are one slice.
    for (; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c === 34) {
        this.pos = i + 1;
        return s.slice(start, i);
      }
      if (c === 92 || c < 32) break;
    }
    this.pos = i;
    // With escapes: let JSON.parse decode exactly this string literal.
    for (; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c === 92) i++;
      else if (c === 34) break;
      else if (c < 32) { this.pos = i; this.fail('control character in a string'); }
    }
    if (i >= s.length) this.fail('unterminated string');
    try {
      const v = JSON.parse(s.slice(start - 1, i + 1)) as string;
      this.pos = i + 1;
      return v;
    } catch (e) {
      this.fail((e as Error).message);
    }
  }

  number(): number | bigint {
    const s = this.s;
    const start = this.pos;
    let i = start;
    if (s.charCodeAt(i) === 45) i++;
    const intStart = i;
    while (isDigit(s.charCodeAt(i))) i++;
    if (i === intStart || (s.charCodeAt(intStart) === 48 && i - intStart > 1)) { this.pos = start; this.fail('bad number'); }
    let integer = true;
    if (s.charCodeAt(i) === 46) {
      integer = false;
      const f = ++i;
      while (isDigit(s.charCodeAt(i))) i++;
      if (i === f) { this.pos = start; this.fail('bad number'); }
    }
    const e = s.charCodeAt(i);
    if (e === 101 || e === 69) {
      integer = false;
      i++;
      if (s.charCodeAt(i) === 43 || s.charCodeAt(i) === 45) i++;
      const d = i;
      while (isDigit(s.charCodeAt(i))) i++;
      if (i === d) { this.pos = start; this.fail('bad number'); }
    }
    this.pos = i;
    return integerOrNumber(s.slice(start, i), integer);
  }
}

const WORDS: ReadonlyArray<[string, unknown]> = [['true', true], ['false', false], ['null', null]];

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** A decimal literal as faultline holds it: bigint for an integer beyond ±(2^53−1), else number. */
export function integerOrNumber(literal: string, integer: boolean): number | bigint {
  const n = Number(literal);
  if (integer && !Number.isSafeInteger(n)) return BigInt(literal);
  return n;
}

/** obj[k] = v, also for the key "__proto__" (an own property, never the prototype). */
export function setProperty(obj: Record<string, unknown>, k: string, v: unknown): void {
  if (k === '__proto__') Object.defineProperty(obj, k, { value: v, enumerable: true, writable: true, configurable: true });
  else obj[k] = v;
}

// ---------------------------------------------------------------- writing

/**
 * JSON text of a value, as JSON.stringify writes it, except that bigints are bare integer
 * literals (JSON.stringify refuses them). `indent` as JSON.stringify's third argument.
 */
export function stringifyJson(value: unknown, indent?: number): string {
  try {
    return JSON.stringify(value, null, indent) ?? 'null';
  } catch (e) {
    // Only a bigint sends us the slow way; circular structures and the like stay errors.
    if (!(e instanceof TypeError) || !/BigInt/.test(e.message)) throw e;
  }
  return write(value, '', indent ? ' '.repeat(indent) : '', new Set()) ?? 'null';
}

function write(v: unknown, key: string, indent: string, seen: Set<object>, outer = ''): string | undefined {
  if (v !== null && typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON === 'function') v = (v as { toJSON(k: string): unknown }).toJSON(key);
  if (v instanceof Number || v instanceof String || v instanceof Boolean) v = v.valueOf();
  switch (typeof v) {
    case 'bigint': return v.toString();
    case 'number': return Number.isFinite(v) ? String(v) : 'null';
    case 'string': return JSON.stringify(v);
    case 'boolean': return v ? 'true' : 'false';
    case 'undefined': case 'function': case 'symbol': return undefined;
  }
  if (v === null) return 'null';
  const o = v as object;
  if (seen.has(o)) throw new TypeError('Converting circular structure to JSON');
  seen.add(o);
  const inner = outer + indent;
  const open = indent ? `\n${inner}` : '';
  const sep = indent ? `,\n${inner}` : ',';
  const close = indent ? `\n${outer}` : '';
  let out: string;
  if (Array.isArray(o)) {
    const parts = o.map((x, i) => write(x, String(i), indent, seen, inner) ?? 'null');
    out = parts.length ? `[${open}${parts.join(sep)}${close}]` : '[]';
  } else {
    const parts: string[] = [];
    for (const k of Object.keys(o)) {
      const s = write((o as Record<string, unknown>)[k], k, indent, seen, inner);
      if (s !== undefined) parts.push(`${JSON.stringify(k)}:${indent ? ' ' : ''}${s}`);
    }
    out = parts.length ? `{${open}${parts.join(sep)}${close}}` : '{}';
  }
  seen.delete(o);
  return out;
}

// The EDN reader's core: one Reader over a window of text (a chunk of a file, or a whole string),
// reading forms with exact integers and a depth limit. When a form runs past the window and more
// input may follow, it throws INCOMPLETE and the caller (edn.ts) reads on and parses the form again.

import { badInput } from './errors.js';
import { integerOrNumber, MAX_DEPTH, setProperty, stringifyJson } from './json.js';

// Character classes (ASCII): 1 whitespace (commas too), 2 other delimiters.
const CLASS = new Uint8Array(128);
for (const c of ' \t\n\r,') CLASS[c.charCodeAt(0)] = 1;
for (const c of '()[]{}";') CLASS[c.charCodeAt(0)] = 2;
const isDelim = (c: number): boolean => c < 128 && CLASS[c] !== 0;

/** A trie node of map key sequences; `make` builds a map with exactly these keys from the stack. */
interface Shape {
  next: Map<string, Shape>;
  make?: (stack: unknown[], base: number) => Record<string, unknown>;
}

/** Thrown inside the reader when a form runs past the text read so far (more is coming). */
export const INCOMPLETE = { incomplete: true };

const NAMED_CHARS: Record<string, string> = { newline: '\n', space: ' ', tab: '\t', return: '\r', backspace: '\b', formfeed: '\f' };

export class Reader {
  s = '';
  pos = 0;
  line = 1;
  /** True when `s` holds the rest of the input: running off its end is then a real end. */
  eof = false;
  /** Keywords and symbols seen, shared (a history repeats a handful of them millions of times). */
  private names = new Map<string, string>();
  private cache: Array<string | undefined> = new Array(NAME_SLOTS);
  private stack: unknown[] = [];
  /** Map shapes seen, by their keys in order (see makeMap). */
  private shapes: Shape = { next: new Map() };
  private shapeCount = 0;
  constructor(readonly where: string) {}

  fail(msg: string): never {
    throw badInput(`malformed EDN: ${msg}`, `${this.where}:${this.line}`);
  }

  /** Ran off the text: more input, or the real end. */
  end(what: string): never {
    if (!this.eof) throw INCOMPLETE;
    this.fail(what);
  }

  skipWs(): void {
    const s = this.s;
    for (;;) {
      if (this.pos >= s.length) return;
      const c = s.charCodeAt(this.pos);
      if (c === 10) { this.line++; this.pos++; }
      else if (c === 32 || c === 44 || c === 9 || c === 13) this.pos++;
      else if (c === 59) {
        const nl = s.indexOf('\n', this.pos);
        if (nl < 0) {
          if (!this.eof) throw INCOMPLETE;
          this.pos = s.length;
        } else this.pos = nl;
      } else if (c === 35 && s.charCodeAt(this.pos + 1) === 95) {
        this.pos += 2;
        this.read(0);
      } else return;
    }
  }

  read(depth: number): unknown {
    this.skipWs();
    const s = this.s;
    if (this.pos >= s.length) this.end('unexpected end of input');
    const c = s.charCodeAt(this.pos);
    switch (c) {
      case 123: this.pos++; return this.readMap(depth + 1);
      case 91: this.pos++; return this.readSeq(93, depth + 1);
      case 40: this.pos++; return this.readSeq(41, depth + 1);
      case 34: return this.readString();
      case 58: {
        this.pos++;
        const k = this.readName();
        if (k === '') this.fail("':' without a keyword name");
        return k;
      }
      case 92: return this.readChar();
      case 35: return this.readDispatch(depth);
      case 41: case 93: case 125: this.fail(`unexpected '${String.fromCharCode(c)}'`);
    }
    if ((c >= 48 && c <= 57) || ((c === 45 || c === 43) && isDigitAt(s, this.pos + 1))) return this.readNumber();
    return this.atom(this.readName());
  }

  readSeq(close: number, depth: number): unknown[] {
    if (depth > MAX_DEPTH) this.fail(`nested deeper than ${MAX_DEPTH} levels`);
    // Elements gather on a shared stack and leave it as an exact-size array: an array grown by
    // push keeps spare capacity (3 elements cost 190 bytes instead of 80), times millions of ops.
    const stack = this.stack;
    const base = stack.length;
    try {
      for (;;) {
        this.skipWs();
        if (this.pos >= this.s.length) this.end(`missing '${String.fromCharCode(close)}'`);
        if (this.s.charCodeAt(this.pos) === close) {
          this.pos++;
          return stack.slice(base);
        }
        stack.push(this.read(depth));
      }
    } finally {
      stack.length = base;
    }
  }

  readMap(depth: number): Record<string, unknown> {
    if (depth > MAX_DEPTH) this.fail(`nested deeper than ${MAX_DEPTH} levels`);
    // Keys and values gather on the shared stack; the map is then made in one go (see makeMap).
    const stack = this.stack;
    const base = stack.length;
    try {
      for (;;) {
        this.skipWs();
        if (this.pos >= this.s.length) this.end("missing '}'");
        if (this.s.charCodeAt(this.pos) === 125) {
          this.pos++;
          return this.makeMap(base);
        }
        const k = this.read(depth);
        this.skipWs();
        if (this.pos >= this.s.length) this.end("missing '}'");
        if (this.s.charCodeAt(this.pos) === 125) this.fail('map with an odd number of forms');
        stack.push(keyString(k), this.read(depth));
      }
    } finally {
      stack.length = base;
    }
  }

  /**
   * The map of the key/value pairs on the stack from `base`. Maps of a shape seen before (an op's
   * keys, in the file's order) come from a made-once object literal: every such map then has its
   * fields in the object itself, 30 bytes and several hidden-class steps cheaper than assigning
   * them one by one to `{}`, times millions of ops.
   */
  private makeMap(base: number): Record<string, unknown> {
    const stack = this.stack;
    const n = (stack.length - base) >> 1;
    let shape: Shape | undefined = this.shapes;
    for (let i = base; i < stack.length && shape; i += 2) shape = shape.next.get(stack[i] as string);
    if (shape?.make) return shape.make(stack, base);
    if (n > 0 && n <= 32 && this.shapeCount < 1000) {
      // A new shape: add it to the trie (its keys are interned names, or copies).
      let node = this.shapes;
      let plain = true;
      for (let i = base; i < stack.length; i += 2) {
        const k = stack[i] as string;
        if (k === '__proto__') plain = false;
        let next = node.next.get(k);
        if (!next) node.next.set(k, (next = { next: new Map() }));
        node = next;
      }
      if (plain) {
        const fields = [];
        for (let i = 0; i < n; i++) fields.push(`${JSON.stringify(stack[base + 2 * i])}:s[b+${2 * i + 1}]`);
        node.make = new Function('s', 'b', `return {${fields.join(',')}};`) as Shape['make'];
        this.shapeCount++;
        return node.make!(stack, base);
      }
    }
    const out: Record<string, unknown> = {};
    for (let i = base; i < stack.length; i += 2) setProperty(out, stack[i] as string, stack[i + 1]);
    return out;
  }

  readString(): string {
    const s = this.s;
    const start = ++this.pos;
    let lines = 0;
    let i = start;
    for (; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c === 34) break;
      if (c === 92) return this.readEscapedString(start, i, lines);
      if (c === 10) lines++;
    }
    if (i >= s.length) this.end('unterminated string');
    this.pos = i + 1;
    this.line += lines;
    return own(s.slice(start, i));
  }

  private readEscapedString(start: number, from: number, lines: number): string {
    const s = this.s;
    let out = s.slice(start, from);
    let i = from;
    for (;;) {
      if (i >= s.length) this.end('unterminated string');
      const c = s.charCodeAt(i);
      if (c === 34) break;
      if (c === 10) lines++;
      if (c !== 92) {
        let j = i + 1;
        while (j < s.length) {
          const d = s.charCodeAt(j);
          if (d === 34 || d === 92) break;
          if (d === 10) lines++;
          j++;
        }
        out += s.slice(i, j);
        i = j;
        continue;
      }
      if (i + 1 >= s.length) this.end('unterminated string');
      const e = s[i + 1];
      i += 2;
      switch (e) {
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        case 'r': out += '\r'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case 'u': {
          if (i + 4 > s.length) this.end('unterminated string');
          const hex = s.slice(i, i + 4);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail(`bad escape \\u${hex} in string`);
          out += String.fromCharCode(parseInt(hex, 16));
          i += 4;
          break;
        }
        default: this.fail(`bad escape \\${e ?? ''} in string`);
      }
    }
    this.pos = i + 1;
    this.line += lines;
    return own(out);
  }

  readChar(): string {
    this.pos++;
    if (this.pos >= this.s.length) this.end('unexpected end of input after \\');
    const start = this.pos++;
    while (this.pos < this.s.length && !isDelim(this.s.charCodeAt(this.pos))) this.pos++;
    if (this.pos >= this.s.length && !this.eof) throw INCOMPLETE;
    const tok = this.s.slice(start, this.pos);
    if (tok.length === 1) return tok;
    if (NAMED_CHARS[tok] !== undefined) return NAMED_CHARS[tok]!;
    if (/^u[0-9a-fA-F]{4}$/.test(tok)) return String.fromCharCode(parseInt(tok.slice(1), 16));
    this.fail(`unknown character literal \\${tok}`);
  }

  readDispatch(depth: number): unknown {
    const n = this.s.charCodeAt(this.pos + 1);
    if (Number.isNaN(n)) this.end("'#' at the end of the input");
    if (n === 123) { this.pos += 2; return this.readSeq(125, depth + 1); }
    if (n === 35) {
      // ##Inf, ##-Inf, ##NaN
      this.pos += 2;
      const t = this.readToken();
      if (t === 'Inf') return Infinity;
      if (t === '-Inf') return -Infinity;
      if (t === 'NaN') return NaN;
      this.fail(`unknown symbolic value ##${t}`);
    }
    this.pos++;
    const tag = this.readToken();
    if (!tag) this.fail("'#' without a tag");
    // A tagged literal (#inst "...", #jepsen.history.Op{...}) stands for its value.
    return this.read(depth);
  }

  readToken(): string {
    const s = this.s;
    const start = this.pos;
    while (this.pos < s.length && !isDelim(s.charCodeAt(this.pos))) this.pos++;
    if (this.pos >= s.length && !this.eof) throw INCOMPLETE;
    return s.slice(start, this.pos);
  }

  /** Integers of up to 15 digits directly; anything else through the general rules. */
  readNumber(): unknown {
    const s = this.s;
    const start = this.pos;
    let i = start;
    const sign = s.charCodeAt(i);
    if (sign === 45 || sign === 43) i++;
    let v = 0;
    const d0 = i;
    for (; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c < 48 || c > 57) break;
      v = v * 10 + (c - 48);
    }
    if (i < s.length && i - d0 <= 15 && isDelim(s.charCodeAt(i))) {
      this.pos = i;
      return sign === 45 ? -v : v;
    }
    return this.atom(this.readToken());
  }

  atom(tok: string): unknown {
    if (tok === 'nil') return null;
    if (tok === 'true') return true;
    if (tok === 'false') return false;
    if (tok === '') this.fail(`unexpected '${this.s[this.pos] ?? 'end of input'}'`);
    const c = tok.charCodeAt(0);
    if ((c >= 48 && c <= 57) || ((c === 43 || c === 45) && isDigitAt(tok, 1))) {
      if (INT.test(tok)) return integerOrNumber(tok.endsWith('N') ? tok.slice(0, -1) : tok, true);
      if (FLOAT.test(tok)) return Number(tok.endsWith('M') ? tok.slice(0, -1) : tok);
      if (RATIO.test(tok)) { const [a, b] = tok.split('/'); return Number(a) / Number(b); }
      this.fail(`bad number ${tok}`);
    }
    return this.name(tok); // a symbol
  }

  /** One shared copy per keyword/symbol name (a bounded table; rare names are just copied). */
  name(tok: string): string {
    const known = this.names.get(tok);
    if (known !== undefined) return known;
    const copy = own(tok);
    if (this.names.size < 10_000) this.names.set(copy, copy);
    return copy;
  }

  /**
   * A keyword's or symbol's name, read where it stands. A history repeats a handful of names
   * millions of times: a small cache by hash finds them without cutting a new string each time.
   */
  readName(): string {
    const s = this.s;
    const start = this.pos;
    let p = start;
    let h = 0;
    for (; p < s.length; p++) {
      const c = s.charCodeAt(p);
      if (c < 128 && CLASS[c] !== 0) break;
      h = (Math.imul(h, 31) + c) | 0;
    }
    if (p >= s.length && !this.eof) throw INCOMPLETE;
    this.pos = p;
    const slot = (h ^ (h >>> 13)) & (NAME_SLOTS - 1);
    const cached = this.cache[slot];
    if (cached !== undefined && cached.length === p - start && s.startsWith(cached, start)) return cached;
    const name = this.name(s.slice(start, p));
    this.cache[slot] = name;
    return name;
  }
}

const NAME_SLOTS = 1024;
const INT = /^[+-]?\d+N?$/;
const FLOAT = /^[+-]?\d+(\.\d*)?([eE][+-]?\d+)?M?$/;
const RATIO = /^[+-]?\d+\/\d+$/;

function isDigitAt(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return c >= 48 && c <= 57;
}

/**
 * A copy of a string that shares no memory with the chunk it was cut from: V8's slices keep
 * their parent alive, and a history's values would otherwise pin every chunk of the file.
 */
function own(s: string): string {
  return s.length < 13 ? s : (' ' + s).slice(1);
}

function keyString(k: unknown): string {
  if (typeof k === 'string') return k;
  if (typeof k === 'number' || typeof k === 'boolean' || typeof k === 'bigint' || k === null) return String(k);
  return stringifyJson(k);
}


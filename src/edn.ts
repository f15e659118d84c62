// A small, fast EDN reader and writer for Jepsen histories. Mapping to JS: nil -> null,
// keywords and symbols -> strings without the colon, vectors/lists/sets -> arrays,
// maps -> plain objects (keys stringified), tagged literals -> their value.

import { badInput } from './errors.js';

export interface EdnForm {
  value: unknown;
  /** 1-based line where the form starts. */
  line: number;
}

const WS = new Set([' ', '\t', '\n', '\r', ',']);
const DELIMS = new Set([' ', '\t', '\n', '\r', ',', '(', ')', '[', ']', '{', '}', '"', ';']);

class Reader {
  pos = 0;
  line = 1;
  constructor(private readonly s: string, private readonly where: string) {}

  fail(msg: string): never {
    throw badInput(`malformed EDN: ${msg}`, `${this.where}:${this.line}`);
  }

  skipWs(): void {
    const s = this.s;
    while (this.pos < s.length) {
      const c = s[this.pos]!;
      if (c === '\n') { this.line++; this.pos++; }
      else if (WS.has(c)) this.pos++;
      else if (c === ';') { while (this.pos < s.length && s[this.pos] !== '\n') this.pos++; }
      else if (c === '#' && s[this.pos + 1] === '_') { this.pos += 2; this.read(); }
      else break;
    }
  }

  atEnd(): boolean {
    this.skipWs();
    return this.pos >= this.s.length;
  }

  read(): unknown {
    this.skipWs();
    const s = this.s;
    if (this.pos >= s.length) this.fail('unexpected end of input');
    const c = s[this.pos]!;
    switch (c) {
      case '{': this.pos++; return this.readMap('}');
      case '[': this.pos++; return this.readSeq(']');
      case '(': this.pos++; return this.readSeq(')');
      case '"': return this.readString();
      case ':': this.pos++; return this.readToken();
      case '\\': return this.readChar();
      case '#': return this.readDispatch();
      case ')': case ']': case '}': this.fail(`unexpected '${c}'`);
    }
    const tok = this.readToken();
    return atom(tok, this);
  }

  readSeq(close: string): unknown[] {
    const out: unknown[] = [];
    for (;;) {
      this.skipWs();
      if (this.pos >= this.s.length) this.fail(`missing '${close}'`);
      if (this.s[this.pos] === close) { this.pos++; return out; }
      out.push(this.read());
    }
  }

  readMap(close: string): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (;;) {
      this.skipWs();
      if (this.pos >= this.s.length) this.fail(`missing '${close}'`);
      if (this.s[this.pos] === close) { this.pos++; return out; }
      const k = this.read();
      this.skipWs();
      if (this.s[this.pos] === close) this.fail('map with an odd number of forms');
      out[keyString(k)] = this.read();
    }
  }

  readString(): string {
    const s = this.s;
    let i = ++this.pos;
    let out = '';
    for (;;) {
      const j = s.indexOf('"', i);
      const k = s.indexOf('\\', i);
      if (j < 0) this.fail('unterminated string');
      if (k < 0 || j < k) {
        out += s.slice(i, j);
        for (let p = this.pos; p < j; p++) if (s.charCodeAt(p) === 10) this.line++;
        this.pos = j + 1;
        return out;
      }
      out += s.slice(i, k);
      const e = s[k + 1];
      i = k + 2;
      switch (e) {
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        case 'r': out += '\r'; break;
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case 'u': out += String.fromCharCode(parseInt(s.slice(i, i + 4), 16)); i += 4; break;
        default: this.fail(`bad escape \\${e ?? ''} in string`);
      }
    }
  }

  readChar(): string {
    this.pos++;
    const tok = this.readToken(true);
    const named: Record<string, string> = { newline: '\n', space: ' ', tab: '\t', return: '\r', backspace: '\b', formfeed: '\f' };
    if (tok.length === 1) return tok;
    if (named[tok] !== undefined) return named[tok]!;
    if (tok.startsWith('u') && tok.length === 5) return String.fromCharCode(parseInt(tok.slice(1), 16));
    this.fail(`unknown character literal \\${tok}`);
  }

  readDispatch(): unknown {
    const n = this.s[this.pos + 1];
    if (n === '{') { this.pos += 2; return this.readSeq('}'); }
    this.pos++;
    const tag = this.readToken();
    if (!tag) this.fail("'#' without a tag");
    const v = this.read();
    return v;
  }

  readToken(allowFirstDelim = false): string {
    const s = this.s;
    const start = this.pos;
    if (allowFirstDelim && this.pos < s.length) this.pos++;
    while (this.pos < s.length && !DELIMS.has(s[this.pos]!)) this.pos++;
    return s.slice(start, this.pos);
  }
}

const INT = /^[+-]?\d+N?$/;
const FLOAT = /^[+-]?\d+(\.\d*)?([eE][+-]?\d+)?M?$/;
const RATIO = /^[+-]?\d+\/\d+$/;

function atom(tok: string, r: Reader): unknown {
  if (tok === 'nil') return null;
  if (tok === 'true') return true;
  if (tok === 'false') return false;
  if (tok === '') r.fail('empty token');
  const c = tok.charCodeAt(0);
  if ((c >= 48 && c <= 57) || ((c === 43 || c === 45) && tok.length > 1 && /\d/.test(tok[1]!))) {
    if (INT.test(tok)) return Number(tok.endsWith('N') ? tok.slice(0, -1) : tok);
    if (FLOAT.test(tok)) return Number(tok.endsWith('M') ? tok.slice(0, -1) : tok);
    if (RATIO.test(tok)) { const [a, b] = tok.split('/'); return Number(a) / Number(b); }
    r.fail(`bad number ${tok}`);
  }
  return tok; // a symbol
}

function keyString(k: unknown): string {
  if (typeof k === 'string') return k;
  if (typeof k === 'number' || typeof k === 'boolean' || k === null) return String(k);
  return JSON.stringify(k);
}

/** Parse every top-level form of a string, with the line each starts on. */
export function parseEdnForms(text: string, where = 'input'): EdnForm[] {
  const r = new Reader(text, where);
  const out: EdnForm[] = [];
  while (!r.atEnd()) {
    const line = r.line;
    out.push({ value: r.read(), line });
  }
  return out;
}

/**
 * The top-level forms of a history file, each with its line: one form per op (Jepsen's
 * history.edn), or one vector or list holding every op (Knossos's data files, `(pr history)`),
 * whose elements then get their own lines so errors still name the right one.
 */
export function parseEdnElements(text: string, where = 'input'): EdnForm[] {
  const r = new Reader(text, where);
  r.skipWs();
  const open = text[r.pos];
  if (open === '[' || open === '(') {
    const close = open === '[' ? ']' : ')';
    r.pos++;
    const out: EdnForm[] = [];
    for (;;) {
      r.skipWs();
      if (r.pos >= text.length) r.fail(`missing '${close}'`);
      if (text[r.pos] === close) {
        r.pos++;
        break;
      }
      const line = r.line;
      out.push({ value: r.read(), line });
    }
    if (!r.atEnd()) r.fail('more forms after the history vector');
    return out;
  }
  return parseEdnForms(text, where);
}

/** Parse exactly one EDN form. */
export function parseEdn(text: string, where = 'input'): unknown {
  const forms = parseEdnForms(text, where);
  if (forms.length !== 1) throw badInput(`expected one EDN form, found ${forms.length}`, where);
  return forms[0]!.value;
}

// ---------------------------------------------------------------- writing

/** A keyword for the writer: `kw('ok')` prints as `:ok`. */
export class Keyword {
  constructor(readonly name: string) {}
}
export const kw = (name: string): Keyword => new Keyword(name);

const SAFE_KW = /^[A-Za-z*+!_?<>=\-][A-Za-z0-9*+!_?<>=\-.\/]*$/;

/** Print a JS value as EDN. Strings stay strings unless wrapped with `kw`. */
export function toEdn(v: unknown): string {
  if (v === null || v === undefined) return 'nil';
  if (v instanceof Keyword) return SAFE_KW.test(v.name) ? `:${v.name}` : JSON.stringify(v.name);
  switch (typeof v) {
    case 'string': return JSON.stringify(v);
    case 'number': return Number.isFinite(v) ? String(v) : 'nil';
    case 'boolean': return String(v);
    case 'bigint': return `${v}N`;
  }
  if (Array.isArray(v)) return `[${v.map(toEdn).join(' ')}]`;
  if (v instanceof Set) return `#{${[...v].map(toEdn).join(' ')}}`;
  if (typeof v === 'object') {
    const parts = Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined)
      .map(([k, x]) => `${SAFE_KW.test(k) ? ':' + k : JSON.stringify(k)} ${toEdn(x)}`);
    return `{${parts.join(', ')}}`;
  }
  return JSON.stringify(String(v));
}

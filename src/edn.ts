// A small, fast EDN reader and writer for Jepsen histories. Mapping to JS: nil -> null,
// keywords and symbols -> strings without the colon, vectors/lists/sets -> arrays, maps -> plain
// objects (keys stringified), tagged literals -> their value, integers -> number, or bigint beyond
// ±(2^53−1) (also `N` literals). The reader streams: forms are read from chunks of a TextSource,
// so a history file is never held whole; values nested deeper than MAX_DEPTH are an error.

import { badInput } from './errors.js';
import { INCOMPLETE, Reader } from './edn-reader.js';
import { MAX_LINE_CHARS, TextSource } from './text-source.js';

export interface EdnForm {
  value: unknown;
  /** 1-based line where the form starts. */
  line: number;
}

/**
 * Streams the forms of an EDN history: one form per op (Jepsen's history.edn), or one vector or
 * list holding every op (Knossos's data files, `(pr history)`), whose elements then get their own
 * lines so errors still name the right one. `each(value, line)` gets every op form in order.
 */
export function readEdnStream(src: TextSource, each: (value: unknown, line: number) => void): void {
  const r = new Reader(src.name);
  let close = -1; // the closing bracket of a whole-file vector/list, once inside one
  let closed = false;
  let started = false;
  /** Drop the text before `from` and append at least `atLeast` more characters (or reach the end). */
  const more = (from: number, atLeast: number): void => {
    let add = '';
    do {
      const chunk = src.next();
      if (chunk === null) {
        r.eof = true;
        break;
      }
      add += chunk;
    } while (add.length < atLeast);
    if (r.s.length - from + add.length > MAX_LINE_CHARS) throw badInput(`a form longer than ${MAX_LINE_CHARS >> 20} Mi characters`, `${src.name}:${r.line}`);
    r.s = r.s.slice(from) + add;
    r.pos = 0;
  };
  more(0, 0);
  for (;;) {
    const mark = r.pos;
    const markLine = r.line;
    const markStarted: boolean = started;
    try {
      r.skipWs();
      if (r.pos >= r.s.length) {
        if (r.eof) break;
        throw INCOMPLETE;
      }
      const c = r.s.charCodeAt(r.pos);
      if (!started) {
        started = true;
        if (c === 91 || c === 40) {
          close = c === 91 ? 93 : 41;
          r.pos++;
          continue;
        }
      }
      if (closed) r.fail('more forms after the history vector');
      if (close >= 0 && c === close) {
        r.pos++;
        closed = true;
        continue;
      }
      const line = r.line;
      each(r.read(0), line);
    } catch (e) {
      if (e !== INCOMPLETE) throw e;
      // The form runs past the text read so far: read on and parse it again from its start. At
      // least as much again as is pending, so a form far larger than a chunk costs O(size).
      r.line = markLine;
      started = markStarted;
      more(mark, r.s.length - mark);
    }
  }
  if (close >= 0 && !closed) r.fail(`missing '${String.fromCharCode(close)}'`);
}

/** Parse every top-level form of a string, with the line each starts on. */
export function parseEdnForms(text: string, where = 'input'): EdnForm[] {
  const r = new Reader(where);
  r.s = text;
  r.eof = true;
  const out: EdnForm[] = [];
  for (;;) {
    r.skipWs();
    if (r.pos >= text.length) return out;
    const line = r.line;
    out.push({ value: r.read(0), line });
  }
}

/** The op forms of a history text (see readEdnStream), with their lines. */
export function parseEdnElements(text: string, where = 'input'): EdnForm[] {
  const out: EdnForm[] = [];
  readEdnStream(TextSource.text(text, where), (value, line) => out.push({ value, line }));
  return out;
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

/** Print a JS value as EDN. Strings stay strings unless wrapped with `kw`; bigints keep every digit. */
export function toEdn(v: unknown): string {
  if (v === null || v === undefined) return 'nil';
  if (v instanceof Keyword) return SAFE_KW.test(v.name) ? `:${v.name}` : JSON.stringify(v.name);
  switch (typeof v) {
    case 'string': return JSON.stringify(v);
    case 'number': return Number.isFinite(v) ? String(v) : Number.isNaN(v) ? '##NaN' : v > 0 ? '##Inf' : '##-Inf';
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

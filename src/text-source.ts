// Text of a history file, read in chunks so that no file is ever held whole (files beyond V8's
// ~512 MiB string limit work, and memory stays flat). Each chunk ends on a character boundary;
// invalid UTF-8 and NUL bytes are refused with file:line; a directory or an unreadable file is a
// clear error. `forEachLine` splits the chunks into lines for the line-oriented formats.

import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import { badInput, FaultlineError } from './errors.js';

const CHUNK_BYTES = 2 << 20;
const HEAD_BYTES = 4096;
/** Longest line (or single EDN form) we accept, in characters: far beyond any real op. */
export const MAX_LINE_CHARS = 256 << 20;

export class TextSource {
  private fd = -1;
  private buf: Buffer | undefined;
  /** Bytes at buf[0..carry) left over from the last read: an incomplete UTF-8 sequence. */
  private carry = 0;
  /** File offset of buf[0]. */
  private offset = 0;
  private done = false;
  private headText: string | undefined;
  private first = true;
  /** A regular file can be read again to find the line of an error; a pipe cannot. */
  private regular = false;
  /** Has any text other than whitespace been read? (An "empty" file is empty or blank.) */
  sawText = false;

  private constructor(readonly name: string, private text?: string) {}

  /** A source reading `file`; refuses what is not a readable regular file (or a device/pipe). */
  static file(file: string): TextSource {
    const src = new TextSource(file);
    try {
      src.fd = openSync(file, 'r');
    } catch (e) {
      throw fileError(e, file);
    }
    try {
      const st = fstatSync(src.fd);
      if (st.isDirectory()) throw badInput('is a directory, not a history file', file);
      src.regular = st.isFile();
    } catch (e) {
      src.close();
      throw e instanceof FaultlineError ? e : fileError(e, file);
    }
    src.buf = Buffer.allocUnsafe(CHUNK_BYTES + 4);
    return src;
  }

  /** A source over a string already in memory (tests, small inputs). */
  static text(text: string, name: string): TextSource {
    const nul = text.indexOf('\u0000');
    if (nul >= 0) throw badInput('a NUL character: this is not a text history file', `${name}:${lineOfChar(text, nul)}`);
    return new TextSource(name, text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  }

  /** The first few KB as text, for sniffing the format. Does not consume anything. */
  head(): string {
    if (this.headText !== undefined) return this.headText;
    if (this.text !== undefined) return (this.headText = this.text.slice(0, HEAD_BYTES));
    // Read the head into the front of buf; next() hands the same bytes out first.
    const n = this.fill(0, HEAD_BYTES);
    this.carry = n;
    if (n < HEAD_BYTES) this.done = true;
    let start = 0;
    if (n >= 3 && this.buf![0] === 0xef && this.buf![1] === 0xbb && this.buf![2] === 0xbf) start = 3;
    return (this.headText = this.buf!.toString('utf8', start, n));
  }

  /** The next chunk of text (whole characters), or null at the end. */
  next(): string | null {
    if (this.text !== undefined) {
      const t = this.text;
      this.text = undefined;
      this.done = true;
      if (/\S/.test(t)) this.sawText = true;
      return t;
    }
    if (this.fd < 0) return null;
    const buf = this.buf!;
    let n = this.carry;
    if (!this.done) {
      const got = this.fill(n, CHUNK_BYTES - n);
      n += got;
      if (got === 0) this.done = true;
    }
    if (n === 0) {
      this.close();
      return null;
    }
    // Keep an incomplete multi-byte sequence at the end for the next chunk (unless at the end).
    let end = n;
    if (!this.done) {
      let i = n - 1;
      while (i > n - 4 && i > 0 && (buf[i]! & 0xc0) === 0x80) i--;
      const lead = buf[i]!;
      const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
      if (i + need > n) end = i;
    }
    let start = 0;
    if (this.first) {
      this.first = false;
      if (end >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) start = 3;
    }
    const nul = buf.indexOf(0, start);
    if (nul >= 0 && nul < end) throw badInput('a NUL byte: this is not a text history file', this.locate(this.offset + nul));
    if (!isUtf8(buf.subarray(start, end))) throw badInput('invalid UTF-8', this.locate(this.offset + firstBadLine(buf, start, end)));
    const text = buf.toString('utf8', start, end);
    if (!this.sawText && /\S/.test(text)) this.sawText = true;
    buf.copy(buf, 0, end, n);
    this.offset += end;
    this.carry = n - end;
    return text;
  }

  close(): void {
    if (this.fd >= 0) {
      closeSync(this.fd);
      this.fd = -1;
    }
  }

  private fill(at: number, want: number): number {
    try {
      let got = 0;
      while (got < want) {
        const r = readSync(this.fd, this.buf!, at + got, want - got, null);
        if (r === 0) break;
        got += r;
      }
      return got;
    } catch (e) {
      this.close();
      throw fileError(e, this.name);
    }
  }

  /** file:line of a byte offset: counts newlines from the start (only on the error path). */
  private locate(byteOffset: number): string {
    if (!this.regular) return `${this.name} (byte ${byteOffset})`;
    try {
      const fd = openSync(this.name, 'r');
      try {
        const b = Buffer.allocUnsafe(1 << 20);
        let line = 1;
        for (let pos = 0; pos < byteOffset; ) {
          const r = readSync(fd, b, 0, Math.min(b.length, byteOffset - pos), pos);
          if (r === 0) break;
          for (let i = b.indexOf(10, 0); i >= 0 && i < r; i = b.indexOf(10, i + 1)) line++;
          pos += r;
        }
        return `${this.name}:${line}`;
      } finally {
        closeSync(fd);
      }
    } catch {
      return `${this.name} (byte ${byteOffset})`;
    }
  }
}

/** Start offset of the first line in buf[start..end) that is not valid UTF-8. */
function firstBadLine(buf: Buffer, start: number, end: number): number {
  for (let s = start; s < end; ) {
    let e = buf.indexOf(10, s);
    if (e < 0 || e > end) e = end;
    if (!isUtf8(buf.subarray(s, e))) return s;
    s = e + 1;
  }
  return start;
}

function lineOfChar(text: string, pos: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < pos; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

function fileError(e: unknown, file: string): FaultlineError {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT') return new FaultlineError('FILE_NOT_FOUND', 'no such file', file);
  if (code === 'EISDIR') return badInput('is a directory, not a history file', file);
  if (code === 'EACCES' || code === 'EPERM') return badInput('cannot read the file: permission denied', file);
  return badInput(`cannot read the file: ${(e as Error)?.message ?? String(e)}`, file);
}

/**
 * Calls `each(line, lineNumber)` for every line (without its newline; a `\r` before it is kept,
 * callers trim). A line longer than `maxLineChars` is an error naming it (checked per chunk, so a
 * line may run up to a chunk past it before it is noticed).
 */
export function forEachLine(src: TextSource, each: (line: string, n: number) => void, maxLineChars = MAX_LINE_CHARS): void {
  let carry = '';
  let n = 0;
  for (let chunk = src.next(); chunk !== null; chunk = src.next()) {
    const text = carry ? carry + chunk : chunk;
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      if (nl - start > maxLineChars) tooLong(src, n + 1, maxLineChars);
      each(text.slice(start, nl), ++n);
      start = nl + 1;
    }
    carry = start ? text.slice(start) : text;
    if (carry.length > maxLineChars) tooLong(src, n + 1, maxLineChars);
  }
  if (carry) each(carry, ++n);
}

function tooLong(src: TextSource, line: number, max: number): never {
  throw badInput(`line longer than ${max >= 1 << 20 ? `${max >> 20} Mi` : max} characters`, `${src.name}:${line}`);
}

// The results store: one directory per run, results/<test>/<timestamp>/, with history.jsonl
// (appended and flushed while the test runs), test.json, results.json, node logs, report.html,
// and a `latest` link beside the runs. Write failures (read-only, full disk) are FaultlineError
// 'IO' naming the path; the history writer reports them to the run instead of throwing.

import { closeSync, fstatSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readFileSync, rmSync, symlinkSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Op } from './history.js';
import { opToJson } from './history-io.js';
import { stringifyJson } from './json.js';
import { FaultlineError, ioError } from './errors.js';
import { checkWritableDir, writeFileSafe } from './fs-safe.js';

export const DEFAULT_RESULTS = 'results';

export function timestamp(d = new Date()): string {
  return d.toISOString().replace(/[:]/g, '').replace(/\..*$/, '').replace('T', '-');
}

/**
 * Creates results/<test>/<timestamp>[-n]/ and points results/<test>/latest at it. `where` names
 * the option the root came from in errors (`--out`).
 */
export function createRunDir(root: string, testName: string, when = new Date(), where = '--out'): string {
  const base = checkWritableDir(join(resolve(root), safeName(testName)), where);
  let dir = '';
  for (let n = 1; ; n++) {
    dir = join(base, n === 1 ? timestamp(when) : `${timestamp(when)}-${n}`);
    try {
      mkdirSync(dir);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || n > 10_000) throw ioError(`create the run directory ${dir}`, e, where);
    }
  }
  const latest = join(base, 'latest');
  try {
    rmSync(latest, { force: true });
    symlinkSync(dir.slice(base.length + 1), latest);
  } catch {
    // A filesystem without symlinks: the runs are still there, only the shortcut is missing.
  }
  return dir;
}

export function safeName(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'test';
}

/**
 * JSON we write (results.json, test.json), whole or not at all; integers beyond 2^53 (bigints) as
 * exact literals; errors are FaultlineError('IO') naming the file.
 */
export function writeJson(file: string, value: unknown): void {
  writeFileSafe(file, stringifyJson(value, 2) + '\n', file);
}

export function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

export interface HistoryWriterOptions {
  /** Longest time an op waits in memory before it is written (ms). */
  flushMs?: number;
  /** Called once, with the first write error; later ops are not written (the run keeps them in memory). */
  onError?: (e: FaultlineError) => void;
}

/**
 * Appends ops to history.jsonl. Writes are buffered for at most `flushMs` and flushed on
 * `flush`/`close` and when the process exits, so an interrupted run keeps every op recorded up
 * to that point. A failed write (full disk) never throws from the timer: it truncates the file
 * back to its last whole line, stops writing, and reports the error through `onError`.
 */
export class HistoryWriter {
  private fd: number;
  private buf: string[] = [];
  private timer: NodeJS.Timeout | null = null;
  private readonly onExit = (): void => this.flush();
  /** Bytes of whole lines on disk. */
  private offset: number;
  private readonly flushMs: number;
  /** The first write error, if any. */
  error: FaultlineError | undefined;
  count = 0;
  /** Ops that are on disk. */
  written = 0;

  constructor(
    readonly file: string,
    private readonly opts: HistoryWriterOptions = {},
  ) {
    this.flushMs = opts.flushMs ?? 50;
    try {
      this.fd = openSync(file, 'a');
      this.offset = fstatSync(this.fd).size;
    } catch (e) {
      throw ioError('open the history for writing', e, file);
    }
    process.on('exit', this.onExit);
  }

  append(op: Op): void {
    this.count++;
    if (this.error) return;
    this.buf.push(opToJson(op));
    if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), this.flushMs);
      this.timer.unref();
    }
  }

  /** Writes what is buffered; never throws (errors go to `error` and `onError`). */
  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.buf.length === 0 || this.fd < 0 || this.error) return;
    const lines = this.buf.length;
    const data = Buffer.from(this.buf.join('\n') + '\n');
    this.buf = [];
    let off = 0;
    try {
      while (off < data.length) off += writeSync(this.fd, data, off, data.length - off);
      this.offset += data.length;
      this.written += lines;
    } catch (e) {
      this.fail(e, off);
    }
  }

  private fail(e: unknown, partial: number): void {
    // A partial write leaves half a line: cut the file back to its last whole op.
    if (partial > 0) {
      try {
        ftruncateSync(this.fd, this.offset);
      } catch {
        // a device or pipe cannot be truncated
      }
    }
    this.buf = [];
    this.error = ioError(`write the history (${this.written} ops are on disk)`, e, this.file);
    try {
      this.opts.onError?.(this.error);
    } catch {
      // the run's handler must not break the writer
    }
  }

  close(): void {
    this.flush();
    if (this.fd >= 0) {
      try {
        fsyncSync(this.fd);
      } catch {
        /* not every filesystem syncs */
      }
      try {
        closeSync(this.fd);
      } catch (e) {
        // Some filesystems report a delayed write error only at close.
        if (!this.error) this.fail(e, 0);
      }
      this.fd = -1;
    }
    process.off('exit', this.onExit);
  }
}

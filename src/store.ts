// The results store: one directory per run, results/<test>/<timestamp>/, with history.jsonl
// (appended and flushed while the test runs), test.json, results.json, node logs, report.html,
// and a `latest` link beside the runs.

import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, rmSync, symlinkSync, writeFileSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Op } from './history.js';
import { opToJson } from './history-io.js';
import { stringifyJson } from './json.js';

export const DEFAULT_RESULTS = 'results';

export function timestamp(d = new Date()): string {
  return d.toISOString().replace(/[:]/g, '').replace(/\..*$/, '').replace('T', '-');
}

/** Creates results/<test>/<timestamp>[-n]/ and points results/<test>/latest at it. */
export function createRunDir(root: string, testName: string, when = new Date()): string {
  const base = join(resolve(root), safeName(testName));
  mkdirSync(base, { recursive: true });
  let dir = join(base, timestamp(when));
  for (let n = 2; existsSync(dir); n++) dir = join(base, `${timestamp(when)}-${n}`);
  mkdirSync(dir, { recursive: true });
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

/** JSON we write (results.json, test.json): integers beyond 2^53 (bigints) as exact literals. */
export function writeJson(file: string, value: unknown): void {
  writeFileSync(file, stringifyJson(value, 2) + '\n');
}

export function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

/**
 * Appends ops to history.jsonl. Writes are buffered for at most `flushMs` and flushed
 * synchronously on `flush`/`close` and when the process exits, so an interrupted run keeps every
 * op recorded up to that point.
 */
export class HistoryWriter {
  private fd: number;
  private buf: string[] = [];
  private timer: NodeJS.Timeout | null = null;
  private readonly onExit = (): void => this.flush();
  count = 0;

  constructor(readonly file: string, private readonly flushMs = 50) {
    this.fd = openSync(file, 'a');
    process.on('exit', this.onExit);
  }

  append(op: Op): void {
    this.buf.push(opToJson(op));
    this.count++;
    if (!this.timer) this.timer = setTimeout(() => this.flush(), this.flushMs);
  }

  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.buf.length === 0 || this.fd < 0) return;
    const s = this.buf.join('\n') + '\n';
    this.buf = [];
    writeSync(this.fd, s);
  }

  close(): void {
    this.flush();
    if (this.fd >= 0) {
      try { fsyncSync(this.fd); } catch { /* not every filesystem syncs */ }
      closeSync(this.fd);
      this.fd = -1;
    }
    process.off('exit', this.onExit);
  }
}

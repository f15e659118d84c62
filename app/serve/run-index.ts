// The run list behind `faultline serve`, kept in memory and refreshed in the background: a
// request never walks the results folder. A refresh is incremental and runs in short slices
// between requests: a directory is listed again only when its mtime changed, a run's
// test.json/results.json are read again only when theirs did, so a rescan of 20,000 unchanged
// runs is stats, no reads. Refreshes run every few seconds (less often when a scan is slow) and
// when a request finds the index stale (the request does not wait for it).

import { readdirSync, readFileSync, statSync, type Dirent } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { Validity } from '../../src/protocols.js';

export interface RunSummary {
  /** Path relative to the results folder, with '/' separators. */
  path: string;
  name: string;
  /** ISO time the run started (or the directory's mtime). */
  time: string;
  /** 'none' while results.json does not exist yet (running or crashed). */
  verdict: Validity | 'none';
  db?: string;
  workload?: string;
  nemesis?: string[];
  seed?: number;
  kind?: string;
}

interface DirEntry {
  mtimeMs: number;
  /** When it was listed: a listing within the mtime's granularity is not trusted next time. */
  listedAt: number;
  isRun: boolean;
  children: string[];
  /** Listed again in the current scan (it changed). */
  relisted: boolean;
}

interface RunEntry {
  summary: RunSummary;
  testMtime: number;
  resultsMtime: number;
  readAt: number;
}

export interface RunIndexOptions {
  maxDepth?: number;
  /** Time between background refreshes (ms); a slow scan stretches it to 4× its duration. */
  intervalMs?: number;
  /** A request finding the index older than this starts a refresh (it does not wait for it). */
  staleMs?: number;
}

/** Longest slice of synchronous scanning before the event loop gets a turn (ms). */
const SLICE_MS = 4;
/** Every how many scans the files of unchanged run directories are checked anyway. */
const VERIFY_EVERY = 10;
/** A listing or read this close after the last change is not trusted (mtime granularity, same-tick rewrites). */
const RACY_MS = 1000;

function readJsonSafe(file: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(readFileSync(file, 'utf8'));
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function mtimeOf(file: string): number {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return -1;
  }
}

export class RunIndex {
  private readonly dirs = new Map<string, DirEntry>();
  private readonly runs = new Map<string, RunEntry>();
  private sorted: RunSummary[] | undefined;
  private scanning: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private lastScanAt = 0;
  private lastScanMs = 0;
  /** Completed scans (tests check requests do not trigger one each). */
  scans = 0;
  /** Bumped whenever the list changes (for caches of rendered pages). */
  version = 0;
  /** Files read during scans (tests check unchanged runs are not read again). */
  reads = 0;
  readonly ready: Promise<void>;

  constructor(
    readonly root: string,
    private readonly opts: RunIndexOptions = {},
  ) {
    this.ready = this.refresh();
    void this.ready.then(() => this.schedule());
  }

  /** The runs, newest first (ties by path). Starts a refresh (without waiting) when the index is stale. */
  list(): RunSummary[] {
    if (Date.now() - this.lastScanAt > Math.max(this.opts.staleMs ?? 1000, 4 * this.lastScanMs)) void this.refresh();
    this.sorted ??= [...this.runs.values()]
      .map((r) => r.summary)
      .sort((a, b) => (a.time < b.time ? 1 : a.time > b.time ? -1 : a.path.localeCompare(b.path)));
    return this.sorted;
  }

  /** One scan at a time; callers during a scan share it. */
  refresh(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.scanning ??= this.scan().finally(() => (this.scanning = undefined));
    return this.scanning;
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private schedule(): void {
    if (this.closed) return;
    const wait = Math.max(this.opts.intervalMs ?? 3000, 4 * this.lastScanMs);
    this.timer = setTimeout(() => void this.refresh().then(() => this.schedule()), wait);
    this.timer.unref();
  }

  /**
   * One pass over the folder. File calls are synchronous (a thread-pool hop per stat made an
   * asynchronous walk of 20,000 runs ten times slower), in slices of a few milliseconds with the
   * event loop free in between, so requests are answered while a scan runs.
   */
  private async scan(): Promise<void> {
    const t0 = Date.now();
    const seenDirs = new Set<string>();
    const seenRuns = new Set<string>();
    let changed = false;
    let slice = Date.now();
    const stack: Array<[string, number]> = [[this.root, 0]];
    while (stack.length > 0) {
      if (Date.now() - slice > SLICE_MS) {
        // A short sleep, not just a turn: a request needs several loop turns to be answered.
        await new Promise((r) => setTimeout(r, 1));
        if (this.closed) return;
        slice = Date.now();
      }
      const [dir, depth] = stack.pop()!;
      const entry = this.visit(dir, depth);
      if (!entry) continue;
      seenDirs.add(dir);
      if (entry.isRun) {
        seenRuns.add(dir);
        // faultline replaces test.json/results.json by rename, which changes the directory: an
        // unchanged run directory needs no further look, except on every VERIFY_EVERY-th scan
        // (files rewritten in place by other tools).
        if ((entry.relisted || this.scans % VERIFY_EVERY === 0 || !this.runs.has(dir)) && this.updateRun(dir, entry.mtimeMs)) changed = true;
        continue; // a run does not contain runs
      }
      for (let i = entry.children.length - 1; i >= 0; i--) stack.push([join(dir, entry.children[i]!), depth + 1]);
    }
    for (const d of this.dirs.keys()) if (!seenDirs.has(d)) this.dirs.delete(d);
    for (const d of this.runs.keys()) {
      if (!seenRuns.has(d)) {
        this.runs.delete(d);
        changed = true;
      }
    }
    if (changed || this.scans === 0) {
      this.sorted = undefined;
      this.version++;
    }
    this.scans++;
    this.lastScanAt = Date.now();
    this.lastScanMs = this.lastScanAt - t0;
  }

  /** A directory's entry, listed again only when it changed (or was listed too close to its last change to trust). */
  private visit(dir: string, depth: number): DirEntry | undefined {
    let mtimeMs: number;
    try {
      mtimeMs = statSync(dir).mtimeMs;
    } catch {
      return undefined; // vanished
    }
    const old = this.dirs.get(dir);
    if (old && old.mtimeMs === mtimeMs && old.listedAt - mtimeMs >= RACY_MS) {
      old.relisted = false;
      return old;
    }
    let dirents: Dirent[];
    try {
      dirents = readdirSync(dir, { withFileTypes: true });
    } catch {
      return undefined;
    }
    const isRun = dirents.some((d) => d.name === 'test.json');
    const children = isRun || depth >= (this.opts.maxDepth ?? 6)
      ? []
      : dirents
          // Symlinks are skipped: `latest` points at a run listed already, and links may leave the folder.
          .filter((d) => d.isDirectory() && !d.isSymbolicLink() && !d.name.startsWith('.') && d.name !== 'node_modules')
          .map((d) => d.name)
          .sort();
    const entry = { mtimeMs, listedAt: Date.now(), isRun, children, relisted: true };
    this.dirs.set(dir, entry);
    return entry;
  }

  /** Re-reads a run's files if they changed; returns whether its summary changed. */
  private updateRun(dir: string, dirMtimeMs: number): boolean {
    const testMtime = mtimeOf(join(dir, 'test.json'));
    const resultsMtime = mtimeOf(join(dir, 'results.json'));
    const old = this.runs.get(dir);
    // Unchanged, and read long enough after its last write that a same-tick rewrite cannot hide.
    if (old && old.testMtime === testMtime && old.resultsMtime === resultsMtime && old.readAt - Math.max(testMtime, resultsMtime) >= RACY_MS) return false;
    const readAt = Date.now();
    this.reads += resultsMtime >= 0 ? 2 : 1;
    const t = readJsonSafe(join(dir, 'test.json')) ?? {};
    const v = resultsMtime >= 0 ? readJsonSafe(join(dir, 'results.json'))?.valid : undefined;
    const rel = relative(this.root, dir).split(sep).join('/');
    const summary: RunSummary = {
      path: rel,
      name: typeof t.name === 'string' ? t.name : rel || '.',
      time: typeof t.startedAt === 'string' ? t.startedAt : new Date(dirMtimeMs).toISOString(),
      verdict: v === true || v === false || v === 'unknown' ? v : 'none',
      ...(typeof t.db === 'string' ? { db: t.db } : {}),
      ...(typeof t.workload === 'string' ? { workload: t.workload } : {}),
      ...(Array.isArray(t.nemesis) ? { nemesis: t.nemesis.map(String) } : {}),
      ...(typeof t.seed === 'number' ? { seed: t.seed } : {}),
      ...(typeof t.kind === 'string' ? { kind: t.kind } : {}),
    };
    this.runs.set(dir, { summary, testMtime, resultsMtime, readAt });
    return !old || JSON.stringify(old.summary) !== JSON.stringify(summary);
  }
}

/** Every run under root, newest first (one scan; for tests and scripts). */
export async function listRuns(root: string, maxDepth = 6): Promise<RunSummary[]> {
  const index = new RunIndex(root, { maxDepth });
  await index.ready;
  index.close();
  return index.list();
}

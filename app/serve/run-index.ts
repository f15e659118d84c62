// The run list behind `faultline serve`, kept in memory and refreshed in the background: a
// request never walks the results folder. A refresh is incremental and asynchronous: a directory
// is listed again only when its mtime changed, a run's test.json/results.json are read again only
// when theirs did, so a rescan of 20,000 unchanged runs is stats, no reads. Refreshes run every
// few seconds (longer when a scan is slow) and when a request finds the index older than a second.

import { lstat, readdir, readFile, stat } from 'node:fs/promises';
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

const BATCH = 64;

async function readJsonSafe(file: string): Promise<Record<string, unknown> | undefined> {
  try {
    const v = JSON.parse(await readFile(file, 'utf8'));
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

async function mtimeOf(file: string): Promise<number> {
  try {
    return (await stat(file)).mtimeMs;
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

  /** The runs, newest first (ties by path). */
  list(): RunSummary[] {
    if (Date.now() - this.lastScanAt > (this.opts.staleMs ?? 1000)) void this.refresh();
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

  private async scan(): Promise<void> {
    const t0 = Date.now();
    const seenDirs = new Set<string>();
    const seenRuns = new Set<string>();
    let changed = false;
    const walk = async (dir: string, depth: number): Promise<void> => {
      let st;
      try {
        st = await stat(dir);
      } catch {
        return; // vanished
      }
      seenDirs.add(dir);
      let entry = this.dirs.get(dir);
      // Listed again when it changed, or when its last listing was too close to its mtime to trust.
      if (!entry || entry.mtimeMs !== st.mtimeMs || entry.listedAt - st.mtimeMs < 1000) {
        let names: string[];
        try {
          names = await readdir(dir);
        } catch {
          return;
        }
        const isRun = names.includes('test.json');
        const children: string[] = [];
        if (!isRun && depth < (this.opts.maxDepth ?? 6)) {
          for (const n of names.sort()) {
            if (n.startsWith('.') || n === 'node_modules') continue;
            try {
              // Symlinks are skipped: `latest` points at a run listed already, and links may leave the folder.
              const l = await lstat(join(dir, n));
              if (l.isDirectory() && !l.isSymbolicLink()) children.push(n);
            } catch {
              /* vanished while listing */
            }
          }
        }
        entry = { mtimeMs: st.mtimeMs, listedAt: Date.now(), isRun, children };
        this.dirs.set(dir, entry);
      }
      if (entry.isRun) {
        seenRuns.add(dir);
        if (await this.updateRun(dir, st.mtime)) changed = true;
        return; // a run does not contain runs
      }
      for (let i = 0; i < entry.children.length; i += BATCH) {
        await Promise.all(entry.children.slice(i, i + BATCH).map((c) => walk(join(dir, c), depth + 1)));
      }
    };
    await walk(this.root, 0);
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

  /** Re-reads a run's files if they changed; returns whether its summary changed. */
  private async updateRun(dir: string, dirMtime: Date): Promise<boolean> {
    const [testMtime, resultsMtime] = await Promise.all([mtimeOf(join(dir, 'test.json')), mtimeOf(join(dir, 'results.json'))]);
    const old = this.runs.get(dir);
    // Unchanged, and read long enough after its last write that a same-tick rewrite cannot hide.
    if (old && old.testMtime === testMtime && old.resultsMtime === resultsMtime && old.readAt - Math.max(testMtime, resultsMtime) >= 1000) return false;
    const readAt = Date.now();
    this.reads += 2;
    const [test, results] = await Promise.all([readJsonSafe(join(dir, 'test.json')), resultsMtime >= 0 ? readJsonSafe(join(dir, 'results.json')) : undefined]);
    const t = test ?? {};
    const v = results?.valid;
    const rel = relative(this.root, dir).split(sep).join('/');
    const summary: RunSummary = {
      path: rel,
      name: typeof t.name === 'string' ? t.name : rel || '.',
      time: typeof t.startedAt === 'string' ? t.startedAt : dirMtime.toISOString(),
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

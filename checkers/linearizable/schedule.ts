// The partition scheduler, run by every thread that works on one check (the caller's and pool
// workers'), meeting in shared memory: a partition is claimed by one thread (compare-and-swap on
// its state word), searched there in slices, and its verdict and stats published; the first
// violation, an exhausted budget or an error raises one stop flag that every thread reads
// between slices.
//
// Each thread has a share (every threads-th partition). It claims its whole share at once, giving
// each partition a small first budget (easy ones finish, every one gets started); then its
// undecided partitions advance in rounds, each by the same number of steps (processor sharing),
// that number an eighth of the least advanced one's steps (so rounds grow geometrically and the
// switching cost stays small). The caller's thread, which has every partition's ops, also takes
// one partition nobody has claimed yet before each round (a late or busy worker's share), which
// joins with a small budget: rounds stay short while it is young, so all unclaimed partitions are
// taken quickly. So a hard key never hides a key that shows a violation quickly, whether or not
// the workers show up: the violation is found after about (partitions per thread) x (steps that
// key needs) x 1.125 steps.

import { getHeapStatistics } from 'node:v8';
import type { Model, ModelOp } from './model.js';
import { Search } from './search.js';

// Control words (Int32Array): stop reason, change counter (waited on); then per partition its
// state and the thread that claimed it.
const STOP = 0;
const CHANGED = 1;
const HEADER = 2;

/** Why a check stopped early. */
export const VIOLATION = 1;
export const TIME = 2;
export const MEMORY = 3;
export const HEAP = 4;
export const ERROR = 5;
export const LOST = 6;

/** A partition's state. */
export const UNCLAIMED = 0;
export const RUNNING = 1;
export const OK = 2;
export const FAIL = 3;

// Per partition (Float64Array): steps, memo entries, furthest blocking return; per thread: live
// memo bytes, heartbeat; then the peak of the summed memo bytes.
const PSTATS = 3;
const TSTATS = 2;

export interface JobBuffers {
  ctl: SharedArrayBuffer;
  stats: SharedArrayBuffer;
}

/** One check's shared state: `n` partitions, `threads` threads (thread 0 is the caller's). */
export class Job {
  readonly ctl: Int32Array;
  readonly stats: Float64Array;

  constructor(readonly n: number, readonly threads: number, buffers?: JobBuffers) {
    const b = buffers ?? {
      ctl: new SharedArrayBuffer(4 * (HEADER + 2 * n)),
      stats: new SharedArrayBuffer(8 * (PSTATS * n + TSTATS * threads + 1)),
    };
    this.ctl = new Int32Array(b.ctl);
    this.stats = new Float64Array(b.stats);
  }

  get buffers(): JobBuffers {
    return { ctl: this.ctl.buffer as SharedArrayBuffer, stats: this.stats.buffer as SharedArrayBuffer };
  }

  /** Claim partition i for `thread`; false if another thread has it. */
  claim(i: number, thread: number): boolean {
    if (Atomics.load(this.ctl, HEADER + i) !== UNCLAIMED) return false;
    if (Atomics.compareExchange(this.ctl, HEADER + i, UNCLAIMED, RUNNING) !== UNCLAIMED) return false;
    this.ctl[HEADER + this.n + i] = thread;
    return true;
  }

  status(i: number): number {
    return Atomics.load(this.ctl, HEADER + i);
  }

  owner(i: number): number {
    return this.ctl[HEADER + this.n + i]!;
  }

  /** Raise the stop flag; the first reason wins. */
  stop(reason: number): void {
    if (Atomics.compareExchange(this.ctl, STOP, 0, reason) === 0) this.changed();
  }

  stopped(): number {
    return Atomics.load(this.ctl, STOP);
  }

  changed(): void {
    Atomics.add(this.ctl, CHANGED, 1);
    Atomics.notify(this.ctl, CHANGED);
  }

  /** Block until something changes (a verdict, a stop) or `ms` pass. */
  waitChange(seen: number, ms: number): void {
    Atomics.wait(this.ctl, CHANGED, seen, ms);
  }

  changes(): number {
    return Atomics.load(this.ctl, CHANGED);
  }

  steps(i: number): number {
    return this.stats[PSTATS * i]!;
  }

  memoEntries(i: number): number {
    return this.stats[PSTATS * i + 1]!;
  }

  furthestBlock(i: number): number {
    return this.stats[PSTATS * i + 2]!;
  }

  heartbeat(thread: number): number {
    return this.stats[PSTATS * this.n + TSTATS * thread + 1]!;
  }

  peakMemo(): number {
    return this.stats[PSTATS * this.n + TSTATS * this.threads]!;
  }

  /** Publish a partition's numbers, then (if decided) its verdict. */
  publish(i: number, s: Search<unknown>): void {
    const o = PSTATS * i;
    this.stats[o] = s.stats.steps;
    this.stats[o + 1] = s.stats.memoEntries;
    this.stats[o + 2] = s.furthestBlock;
    if (s.status === 'running') return;
    Atomics.store(this.ctl, HEADER + i, s.status === 'ok' ? OK : FAIL);
    if (s.status === 'fail') this.stop(VIOLATION);
    else this.changed();
  }

  /** Record this thread's live memo bytes; returns the total over all threads (and keeps the peak). */
  memo(thread: number, bytes: number): number {
    const base = PSTATS * this.n;
    this.stats[base + TSTATS * thread] = bytes;
    let total = 0;
    for (let t = 0; t < this.threads; t++) total += this.stats[base + TSTATS * t]!;
    if (total > this.stats[base + TSTATS * this.threads]!) this.stats[base + TSTATS * this.threads] = total;
    return total;
  }

  beat(thread: number): void {
    this.stats[PSTATS * this.n + TSTATS * thread + 1]!++;
  }
}

export interface ThreadOptions {
  thread: number;
  /** Absolute deadline in ms since the epoch (performance.timeOrigin + performance.now()). */
  deadline: number;
  /** Budget for the memo tables of all threads together (bytes). */
  memoryLimitBytes: number;
  /** Steps a newly claimed partition gets before the next claim. Default 1000. */
  firstSteps?: number;
  /** Most steps between two looks at the stop flag and the clock. Default 4096. */
  chunk?: number;
  /** Take over unclaimed partitions of other threads' shares (the caller's thread, which has them all). */
  steal?: boolean;
}

/** Wall-clock time comparable across threads. */
export function epochNow(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * Work on `job` in this thread until every partition is claimed and this thread's are decided,
 * or the job stops. `opsOf(i)` gives partition i's ops. Returns the searches this thread ran.
 */
export function runThread(job: Job, model: Model<unknown>, opsOf: (i: number) => ModelOp[], o: ThreadOptions): Map<number, Search<unknown>> {
  const first = o.firstSteps ?? 1000;
  const chunk = o.chunk ?? 4096;
  // Safety net beside the memo accounting: never let a thread reach V8's heap limit (a crash).
  const heapCeiling = getHeapStatistics().heap_size_limit * 0.85;
  const searches = new Map<number, Search<unknown>>();
  let active: number[] = [];
  let own = o.thread; // next partition of this thread's share
  let steal = 0; // where to look for an unclaimed partition next
  let sinceCheck = 0;
  const stealOne = (): number => {
    if (!o.steal) return -1;
    for (; steal < job.n; steal++) if (job.claim(steal, o.thread)) return steal++;
    return -1;
  };

  // Advance search i to `target` steps in chunks; false when the job stopped.
  const advance = (i: number, s: Search<unknown>, target: number): boolean => {
    while (s.stats.steps < target) {
      const st = s.run(Math.min(chunk, target - s.stats.steps));
      if (st !== 'running') {
        job.publish(i, s);
        break;
      }
      job.beat(o.thread);
      if (job.stopped()) return false;
      if (epochNow() > o.deadline) {
        job.stop(TIME);
        return false;
      }
    }
    return job.stopped() === 0;
  };
  // Memory: this thread's live memos against the budget shared by all threads.
  const budgetsOk = (): boolean => {
    let live = 0;
    for (const i of active) live += searches.get(i)!.memoBytes();
    if (job.memo(o.thread, live) > o.memoryLimitBytes) job.stop(MEMORY);
    else if (getHeapStatistics().used_heap_size > heapCeiling) job.stop(HEAP);
    else if (epochNow() > o.deadline) job.stop(TIME);
    return job.stopped() === 0;
  };

  // Start partition i: its first budget; false when the job stopped.
  const begin = (i: number): boolean => {
    const s = new Search(model, opsOf(i), { staleReads: false }); // the caller's pre-pass did them
    searches.set(i, s);
    if (s.status !== 'running') {
      job.publish(i, s);
      return job.stopped() === 0;
    }
    if (!advance(i, s, first)) return false;
    if (s.status === 'running') active.push(i);
    return true;
  };

  try {
    for (; own < job.n; own += job.threads) {
      if (!job.claim(own, o.thread)) continue;
      if (!begin(own)) return searches;
      if (++sinceCheck >= 64 && !((sinceCheck = 0), budgetsOk())) return searches;
    }
    for (;;) {
      const i = stealOne();
      if (i >= 0 && !begin(i)) break;
      if (active.length === 0) {
        if (i < 0) break;
        continue;
      }
      let least = Infinity;
      for (const i of active) least = Math.min(least, searches.get(i)!.stats.steps);
      const quantum = Math.max(first, Math.floor(least / 8));
      let stopped = false;
      for (const i of active) {
        const s = searches.get(i)!;
        if (!advance(i, s, s.stats.steps + quantum)) {
          stopped = true;
          break;
        }
      }
      if (stopped) break;
      active = active.filter((i) => searches.get(i)!.status === 'running');
      if (!budgetsOk()) break;
    }
  } finally {
    // Undecided partitions still report how far they got (for an 'unknown' answer's numbers).
    for (const i of active) job.publish(i, searches.get(i)!);
    job.memo(o.thread, 0);
  }
  return searches;
}

// The time and memory budget of one `faultline check`, covering every stage (reading the history,
// preparing it, the search), not only the search. Stages call `check()` (or, without a handle on
// the budget, `checkpoint()`) every few thousand steps; past the budget it throws BudgetExhausted,
// which the command turns into an `unknown` verdict with the reason (exit 2). Memory is the
// process's resident set, as `/usr/bin/time` measures it, and work stops a little below the limit
// (the margin covers what is allocated between two checks); without a memory limit a ceiling below
// V8's heap limit still turns a certain crash (exit 134) into `unknown`.

import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export class BudgetExhausted extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'BudgetExhausted';
  }
}

export interface BudgetOptions {
  timeLimitMs?: number;
  memoryLimitBytes?: number;
}

const MiB = 2 ** 20;
/** Work stops at this fraction of the memory limit: memory grows between two checks. */
const MARGIN = 0.95;

export class Budget {
  readonly started = performance.now();
  private readonly deadline: number;
  /** Stop near V8's heap limit: past it the process dies (exit 134) instead of answering. */
  private readonly heapCeiling = getHeapStatistics().heap_size_limit * 0.9;
  peakRss = 0;

  constructor(readonly opts: BudgetOptions = {}) {
    this.deadline = opts.timeLimitMs !== undefined ? this.started + opts.timeLimitMs : Infinity;
  }

  /** Throws BudgetExhausted if time or memory is spent; `doing` says where ("reading h.jsonl, line 12"). */
  check(doing: string | (() => string)): void {
    const what = () => (typeof doing === 'string' ? doing : doing());
    if (performance.now() > this.deadline) throw new BudgetExhausted(`time limit of ${fmtSeconds(this.opts.timeLimitMs!)} exhausted while ${what()}`);
    const rss = process.memoryUsage.rss();
    if (rss > this.peakRss) this.peakRss = rss;
    const limit = this.opts.memoryLimitBytes;
    if (limit !== undefined && rss > limit * MARGIN) {
      throw new BudgetExhausted(`memory limit of ${Math.round(limit / MiB)} MiB exhausted while ${what()} (resident memory ${Math.round(rss / MiB)} MiB)`);
    }
    // The heap statistics cost more than the rss: only when the heap may be near its limit.
    if (rss > this.heapCeiling * 0.8) {
      const used = getHeapStatistics().used_heap_size;
      if (used > this.heapCeiling) throw new BudgetExhausted(`the JavaScript heap is nearly full (${Math.round(used / MiB)} MiB) while ${what()}`);
    }
  }

  /** What is left of the time budget (ms), or undefined without one. */
  remainingMs(): number | undefined {
    return this.opts.timeLimitMs === undefined ? undefined : Math.max(0, this.deadline - performance.now());
  }

  /** What is left of the memory budget (bytes) at this moment, or undefined without one. */
  remainingBytes(): number | undefined {
    return this.opts.memoryLimitBytes === undefined ? undefined : Math.max(0, this.opts.memoryLimitBytes * MARGIN - process.memoryUsage.rss());
  }
}

let active: Budget | undefined;

/** Run `work` with `budget` as the one `checkpoint()` consults (one check at a time per process). */
export async function withBudget<T>(budget: Budget, work: () => Promise<T>): Promise<T> {
  const outer = active;
  active = budget;
  try {
    return await work();
  } finally {
    active = outer;
  }
}

/**
 * For long loops in code that is not handed the budget (a checker's preparation and search):
 * throws BudgetExhausted when the active budget is spent, does nothing without one. Costs a clock
 * read and a memory read: call it every few thousand cheap steps.
 */
export function checkpoint(doing: string | (() => string)): void {
  active?.check(doing);
}

function fmtSeconds(ms: number): string {
  return ms >= 1000 ? `${+(ms / 1000).toFixed(3)} s` : `${+ms.toFixed(3)} ms`;
}

let gc: (() => void) | undefined;

/**
 * A full garbage collection now, for the end of a stage whose data is garbage (a checked history
 * of millions of ops): V8 would otherwise let the heap grow well past it before collecting, and the
 * next stage (the report) would add its memory on top of the dead history's.
 */
export function releaseMemory(): void {
  if (!gc) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
}

// Bug switches in short runs: a run is a sample, not a rate. On a loaded machine one short run of a
// broken program can miss its bug (too few ops, or the fault landed where it did no harm), so a
// test tries a few seeds and needs one to be caught. The correct program is never invalid in any
// seed (its own tests), so one caught run in three still says the checker sees the bug. Rates over
// many seeds belong in bench/ scripts.
import { expect } from 'vitest';
import type { RunOutcome } from '../src/run.js';

export interface SeedTrial<T> {
  /** The first run judged caught, if any. */
  caught?: T;
  /** A line per seed tried, for the failure message. */
  tried: string[];
}

/** Runs `run(seed)` for each seed in turn, stopping at the first that `caught` accepts. */
export async function firstCaught<T>(run: (seed: number) => Promise<T>, caught: (r: T) => boolean, seeds: readonly number[] = [1, 2, 3], describe: (r: T) => string = String): Promise<SeedTrial<T>> {
  const tried: string[] = [];
  for (const seed of seeds) {
    const r = await run(seed);
    tried.push(`seed ${seed}: ${describe(r)}`);
    if (caught(r)) return { caught: r, tried };
  }
  return { tried };
}

/**
 * The first of seeds 1-3 whose run is judged invalid (by `checker`, or overall); the test fails,
 * listing each seed's verdict, if none is.
 */
export async function caughtInvalid(run: (seed: number) => Promise<RunOutcome>, checker?: string): Promise<RunOutcome> {
  const verdict = (r: RunOutcome): unknown => (checker ? r.results.results?.[checker]?.valid : r.valid);
  const t = await firstCaught(run, (r) => verdict(r) === false, [1, 2, 3], (r) => `valid=${String(verdict(r))} ${String(r.results.results?.[checker ?? '']?.summary ?? '')}`.trim());
  expect(t.caught, t.tried.join('\n')).toBeDefined();
  return t.caught!;
}

// Spreading a test matrix over CI runners: `test-all --shard K/N` runs one slice of the cells, and
// `test-all --emit github-matrix` prints the job matrix for GitHub Actions. Cells are dealt out
// round-robin (cell i goes to shard i mod N + 1): neighbouring cells, often the same db and
// workload with other seeds, land on different runners, so slices take similar times.

import { badArgument } from '../../src/errors.js';

export interface Shard {
  /** 1-based slice number. */
  k: number;
  n: number;
}

/** "K/N" with 1 ≤ K ≤ N. */
export function parseShard(s: string, where = '--shard'): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(s);
  const k = m ? Number(m[1]) : NaN;
  const n = m ? Number(m[2]) : NaN;
  if (!m || n < 1 || k < 1 || k > n) throw badArgument(`expected K/N with 1 <= K <= N (for example 2/4), got '${s}'`, where);
  return { k, n };
}

/** The cells of one shard, each with its index in the whole matrix (the merge orders by it). */
export function shardCells<T>(cells: readonly T[], shard: Shard | undefined): Array<{ cell: T; index: number }> {
  const all = cells.map((cell, index) => ({ cell, index }));
  return shard ? all.filter(({ index }) => index % shard.n === shard.k - 1) : all;
}

/** GitHub Actions allows at most 256 jobs per matrix. */
export const GITHUB_MAX_JOBS = 256;

/**
 * The `strategy.matrix` JSON for GitHub Actions: one job per shard, each naming its `--shard`
 * argument and the cells it runs. Without `shards`, one job per cell (up to GitHub's limit).
 */
export function githubMatrix(labels: readonly string[], shards?: number): { include: Array<{ shard: string; cells: string }> } {
  const n = shards ?? Math.min(labels.length, GITHUB_MAX_JOBS);
  if (n > GITHUB_MAX_JOBS) throw badArgument(`GitHub Actions runs at most ${GITHUB_MAX_JOBS} jobs per matrix, asked for ${n}`, '--shards');
  const include = [];
  for (let k = 1; k <= Math.max(1, n); k++) {
    const mine = shardCells(labels, { k, n: Math.max(1, n) }).map((x) => x.cell);
    if (mine.length) include.push({ shard: `${k}/${Math.max(1, n)}`, cells: mine.join('; ') });
  }
  return { include };
}

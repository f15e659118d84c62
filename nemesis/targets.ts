// Choosing which nodes a process fault hits: one, a minority, a majority, all, or the primaries.

import type { Db, Test } from '../src/protocols.js';

export type TargetSpec = 'one' | 'minority' | 'majority' | 'all' | 'primaries';
export const TARGETS: readonly TargetSpec[] = ['one', 'minority', 'majority', 'all', 'primaries'];

export async function chooseTargets(test: Test, db: Db, spec: TargetSpec): Promise<string[]> {
  const s = test.rng.shuffle(test.nodes);
  const n = s.length;
  switch (spec) {
    case 'one': return s.slice(0, 1);
    case 'minority': return s.slice(0, Math.max(1, Math.floor((n - 1) / 2)));
    case 'majority': return s.slice(0, Math.floor(n / 2) + 1);
    case 'all': return s;
    case 'primaries': {
      const p = db.primaries ? await db.primaries(test) : [];
      return p.length ? p : s.slice(0, 1);
    }
  }
}

/**
 * Picks one of `choices` at random, except that when the db can name its primaries and
 * `primaries` is a choice, it is picked half the time: a short run has only a few fault cycles,
 * and faults on the leader are the ones that exercise failover (where consensus bugs live).
 */
export function pickFavouringPrimaries<T extends string>(test: Test, db: Db, choices: readonly T[]): T {
  const others = choices.filter((c) => c !== 'primaries');
  if (!db.primaries || others.length === choices.length) return test.rng.pick(choices);
  if (others.length === 0 || test.rng.next() < 0.5) return 'primaries' as T;
  return test.rng.pick(others);
}

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

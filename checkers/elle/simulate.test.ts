// The "done when" of the Elle checker: histories from in-memory databases of known isolation
// give exactly the anomalies that isolation allows, and nothing it forbids.
import { describe, expect, it } from 'vitest';
import { checkElle } from './check.js';
import { simulate, type SimIsolation } from './simulate.js';

const variants = (xs: string[]) => xs.flatMap((x) => [x, `${x}-process`, `${x}-realtime`]);

for (const workload of ['list-append', 'rw-register'] as const) {
  describe(`${workload} simulators of known isolation`, () => {
    const run = (isolation: SimIsolation, seed: number, model = 'strict-serializable', extra = {}) => {
      const h = simulate({ isolation, workload, txns: 1500, processes: 8, seed, ...extra });
      return checkElle(h, workload, { consistencyModel: model });
    };

    for (const seed of [1, 2]) {
      it(`serializable (seed ${seed}): no anomalies, strict-serializable`, () => {
        const r = run('serializable', seed);
        expect(r.anomalyTypes).toEqual([]);
        expect(r.valid).toBe(true);
        expect(r.strongest).toEqual(['strict-serializable']);
        const crashed = run('serializable', seed, 'strict-serializable', { infoProbability: 0.05 });
        expect(crashed.valid).toBe(true);
        expect(crashed.stats.info).toBeGreaterThan(0);
      });

      it(`stale read-only snapshots (seed ${seed}): serializable but not strict`, () => {
        const r = run('stale-serializable', seed);
        expect(r.anomalyTypes.length).toBeGreaterThan(0);
        for (const t of r.anomalyTypes) expect(t).toMatch(/^(G-single|G-nonadjacent|G2-item)-(process|realtime)$/);
        expect(r.valid).toBe(false);
        expect(r.possible).toContain('serializable');
        expect(run('stale-serializable', seed, 'serializable').valid).toBe(true);
      });

      it(`snapshot isolation (seed ${seed}): only write skew`, () => {
        const r = run('snapshot-isolation', seed);
        for (const t of r.anomalyTypes) expect(variants(['G2-item'])).toContain(t);
        if (workload === 'list-append') expect(r.anomalyTypes).toContain('G2-item');
        expect(r.valid).toBe(r.anomalyTypes.length ? false : true);
        for (const m of r.not) expect(['repeatable-read', 'strong-session-repeatable-read', 'strong-repeatable-read']).toContain(m);
        expect(r.possible).toContain('snapshot-isolation');
        expect(run('snapshot-isolation', seed, 'strong-snapshot-isolation').valid).toBe(true);
      });

      it(`read committed (seed ${seed}): read/write skew and lost updates, no G0/G1`, () => {
        const r = run('read-committed', seed);
        // Each read sees the latest commit: a txn reading a key twice may see two values (INT).
        const allowed = ['lost-update', 'internal', ...variants(['G-single', 'G-nonadjacent', 'G2-item'])];
        for (const t of r.anomalyTypes) expect(allowed).toContain(t);
        expect(r.anomalyTypes).toContain('internal');
        if (workload === 'list-append') {
          expect(r.anomalyTypes).toContain('G-single');
          expect(r.not).toContain('snapshot-isolation');
        } else expect(r.anomalyTypes.length).toBeGreaterThan(0);
        expect(r.possible).toContain('read-committed');
        expect(run('read-committed', seed, 'strong-read-committed').valid).toBe(true);
      });

      it(`aborted reads (seed ${seed}): G1a, and dirty updates built on them`, () => {
        const r = run('aborted-read', seed);
        for (const t of r.anomalyTypes) expect(['G1a', 'dirty-update']).toContain(t);
        expect(r.anomalyTypes).toContain('G1a');
        expect(r.not).toEqual(['read-committed']);
        expect(run('aborted-read', seed, 'strong-read-uncommitted').valid).toBe(true);
      });

      it(`read uncommitted (seed ${seed}): dirty writes and intermediate reads`, () => {
        const r = run('read-uncommitted', seed);
        expect(r.anomalyTypes).toContain('G1b');
        expect(r.anomalyTypes.some((t) => t.startsWith('G0') || t.startsWith('G1c'))).toBe(true);
        expect(r.anomalyTypes).not.toContain('G1a');
        expect(r.valid).toBe(false);
      });
    }
  });
}

// Fault targets: where the db can name its primaries, half the faults go to them; otherwise the
// choice is uniform and never asks for primaries the db cannot name.

import { describe, expect, it } from 'vitest';
import type { Db, Test } from '../src/protocols.js';
import { createRng } from '../src/rng.js';
import { pickFavouringPrimaries, TARGETS } from './targets.js';

const test = { rng: createRng(3) } as unknown as Test;
const count = (db: Db, n: number): Record<string, number> => {
  const c: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const t = pickFavouringPrimaries(test, db, TARGETS);
    c[t] = (c[t] ?? 0) + 1;
  }
  return c;
};

describe('pickFavouringPrimaries', () => {
  it('picks the primaries half the time when the db names them, the others evenly', () => {
    const c = count({ name: 'x', setup: async () => {}, teardown: async () => {}, primaries: async () => ['n1'] }, 4000);
    expect(c.primaries! / 4000).toBeGreaterThan(0.45);
    expect(c.primaries! / 4000).toBeLessThan(0.55);
    for (const t of TARGETS.filter((x) => x !== 'primaries')) expect(c[t]! / 4000).toBeGreaterThan(0.08);
  });

  it('is uniform over all choices when the db cannot name primaries', () => {
    const c = count({ name: 'x', setup: async () => {}, teardown: async () => {} }, 5000);
    for (const t of TARGETS) expect(c[t]! / 5000).toBeGreaterThan(0.15);
  });
});

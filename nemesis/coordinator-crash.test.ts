import { describe, expect, it } from 'vitest';
import '../dbs/index.js';
import { createDb } from '../src/plugin/plan.js';
import { buildNemesis } from '../src/plugin/nemesis-package.js';
import './index.js';

describe('coordinator-crash', () => {
  it('is refused before the run for a db without a coordinator, naming the db', () => {
    const { db } = createDb('postgres');
    expect(() => buildNemesis(['coordinator-crash'], { db, intervalS: 5, options: {} })).toThrow(/--nemesis coordinator-crash: db postgres cannot crash and restart its client-side transaction coordinator/);
  });
  it('is offered by postgres-2pc, with its crash points', () => {
    const { db } = createDb('postgres-2pc');
    const pkg = buildNemesis(['coordinator-crash'], { db, intervalS: 5, options: {} })!;
    expect(pkg.nemesis.fs).toEqual(['crash-coordinator', 'recover-coordinator']);
    expect(() => buildNemesis(['coordinator-crash'], { db, intervalS: 5, options: { 'coordinator-crash': 'after-lunch' } })).toThrow(
      /--nemesis-option coordinator-crash: expected items from after-prepare, after-decision, after-first-commit, got 'after-lunch'/,
    );
  });
});

import { describe, expect, it } from 'vitest';
import { getDb } from '../dbs/index.js';
import { buildNemesis } from './index.js';

describe('coordinator-crash', () => {
  it('is refused before the run for a db without a coordinator, naming the db', () => {
    const db = getDb('postgres')!.create({ nodes: 1, dbOptions: {}, workload: 'list-append' });
    expect(() => buildNemesis(['coordinator-crash'], { db, intervalS: 5, options: {} })).toThrow(/--nemesis coordinator-crash: db postgres has no client-side coordinator to crash/);
  });
  it('is offered by postgres running bank-2pc, with its crash points', () => {
    const db = getDb('postgres')!.create({ nodes: 2, dbOptions: {}, workload: 'bank-2pc' });
    const pkg = buildNemesis(['coordinator-crash'], { db, intervalS: 5, options: {} })!;
    expect(pkg.nemesis.fs).toEqual(['crash-coordinator', 'recover-coordinator']);
    expect(() => buildNemesis(['coordinator-crash'], { db, intervalS: 5, options: { 'coordinator-crash': 'after-lunch' } })).toThrow(/unknown crash point 'after-lunch'/);
  });
  it('partitions are refused up front for an existing server (no network faultline controls)', () => {
    const db = getDb('postgres')!.create({ nodes: 1, dbOptions: { url: 'postgres://u@127.0.0.1:1/x' }, workload: 'list-append' });
    expect(() => buildNemesis(['partition'], { db, intervalS: 5, options: {} })).toThrow(/--nemesis partition: db postgres \(existing server\) has no network to partition/);
    expect(() => buildNemesis(['kill'], { db, intervalS: 5, options: {} })).toThrow(/cannot kill\/start nodes/);
  });
});

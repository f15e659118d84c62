import { describe, expect, it } from 'vitest';
import { getChecker } from './index.js';
import { composeByName } from './compose.js';
import { HistoryBuilder } from './history-builder.js';

describe('compose', () => {
  it('runs named checkers and takes the worst verdict', async () => {
    const b = new HistoryBuilder();
    b.op(0, 'add', 1);
    b.op(0, 'read', null, 'ok', []);
    const r = await composeByName(['stats', 'set', 'perf']).check(b.history(), {});
    expect(r.valid).toBe(false);
    expect(Object.keys(r.results!)).toEqual(['stats', 'set', 'perf']);
    expect(r.results!.set!.valid).toBe(false);
    const p = getChecker('compose')!;
    const r2 = await p.create({ checkers: 'stats,perf' }).check(b.history(), {});
    expect(r2.valid).toBe(true);
    expect(p.format!(r2)).toMatch(/\[stats\] valid/);
    expect(() => composeByName(['nope'])).toThrow(/unknown checker/);
  });
  it('registers every checker name', () => {
    for (const n of ['sequential', 'set', 'set-full', 'counter', 'bank', 'unique-ids', 'queue', 'total-queue', 'lock', 'stats', 'perf', 'convergence']) {
      expect(getChecker(n), n).toBeDefined();
    }
  });
});

// stats: counts per function; a function that never succeeded is unknown (an availability fact),
// invalid only below a stated availability requirement (--availability, Maelstrom's meaning).

import { describe, expect, it } from 'vitest';
import { FaultlineError } from '../../src/errors.js';
import type { TestInfo } from '../../src/protocols.js';
import { HistoryBuilder } from '../history-builder.js';
import { getChecker } from '../registry.js';
import { checkStats, parseAvailability } from './index.js';

/** 1 ok read, a failed write and a write that never completed (info), plus nemesis noise. */
function history(): HistoryBuilder {
  const b = new HistoryBuilder();
  b.op(0, 'read', null, 'ok', 1);
  b.op(0, 'write', 1, 'fail');
  b.invoke('nemesis', 'start-partition');
  b.complete('info', 'nemesis', 'start-partition');
  b.invoke(1, 'write', 2); // never completes: info
  return b;
}

describe('stats', () => {
  it('counts outcomes per function; a function that never succeeded gives unknown, not invalid', () => {
    const b = history();
    const r = checkStats(b.history());
    expect(r.valid).toBe('unknown');
    expect(r.byF).toEqual({ read: { count: 1, ok: 1, fail: 0, info: 0 }, write: { count: 2, ok: 0, fail: 1, info: 1 } });
    expect(r.neverSucceeded).toEqual(['write']);
    expect(r.okFraction).toBeCloseTo(1 / 3);
    // The facts stay in the summary; the reason says what kind of fact it is.
    expect(r.summary).toBe('stats: 3 ops, 1 ok, 1 fail, 1 info (ok fraction 0.3333); never succeeded: write; unknown: nothing of write could be judged (availability, not consistency)');
    expect(r.error).toMatch(/never succeeded: write \(2 attempted: 1 fail, 1 info\).*availability, not a consistency violation \(require availability with --availability FRACTION\)/);
    b.complete('ok', 1, 'write', 2);
    expect(checkStats(b.history()).valid).toBe(true);
  });

  it('is invalid below a required availability, with the numbers', () => {
    const r = checkStats(history().history(), { availability: 0.5 });
    expect(r.valid).toBe(false);
    expect(r.summary).toContain('availability 0.3333 (1 ok of 3 client ops) is below the required 0.5 (--availability)');
    expect(r.availability).toBe(0.5);
    // Met: a function that never succeeded is still only unknown.
    expect(checkStats(history().history(), { availability: 0.3 }).valid).toBe('unknown');
    const all = new HistoryBuilder();
    all.op(0, 'read', null, 'ok', 1);
    expect(checkStats(all.history(), { availability: 1 }).valid).toBe(true);
    expect(checkStats(new HistoryBuilder().history(), { availability: 0.5 }).valid).toBe('unknown');
  });

  it('takes the requirement from the check options or from the run (test.json), and parses it strictly', () => {
    const plugin = getChecker('stats')!;
    const h = history().history();
    expect((plugin.create({}).check(h, {}) as { valid: unknown }).valid).toBe('unknown');
    expect((plugin.create({}).check(h, { test: { availability: 0.9 } as TestInfo }) as { valid: unknown }).valid).toBe(false);
    expect((plugin.create({ availability: '0.2' }).check(h, {}) as { valid: unknown }).valid).toBe('unknown');
    expect((plugin.create({ availability: 'total' }).check(h, {}) as { valid: unknown }).valid).toBe(false);
    expect(parseAvailability('total')).toBe(1);
    expect(parseAvailability('0.95')).toBe(0.95);
    for (const bad of ['1.5', '-0.1', 'most', '']) {
      expect(() => parseAvailability(bad)).toThrow(FaultlineError);
      expect(() => parseAvailability(bad)).toThrow(/--availability|between 0 and 1/);
    }
  });
});

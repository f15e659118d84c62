// One rule for time budgets in every checker: positive milliseconds, or absent. Zero is refused
// as a bad argument by all of them alike (it used to be 'unknown' for linearizability and a
// refusal for Elle).

import { describe, expect, it } from 'vitest';
import { FaultlineError } from '../src/errors.js';
import type { History } from '../src/history.js';
import { HistoryBuilder } from './history-builder.js';
import { getChecker } from './registry.js';
import { checkLinearizable } from './linearizable/index.js';
import { checkSequential } from './sequential/index.js';
import { checkElle } from './elle/index.js';
import { build, seq } from './elle/test-helpers.js';
import { timeLimitMs } from './budget.js';
import './index.js';

function register(): History {
  const b = new HistoryBuilder();
  b.op(0, 'write', 1, 'ok', 1);
  b.op(1, 'read', null, 'ok', 1);
  return b.history();
}
const txns = (): History => build([...seq(0, [['append', 'x', 1]]), ...seq(1, [['r', 'x', [1]]])]);
const rwTxns = (): History => build([...seq(0, [['w', 'x', 1]]), ...seq(1, [['r', 'x', 1]])]);

async function refused(f: () => unknown): Promise<FaultlineError> {
  try {
    await f();
  } catch (e) {
    expect(e).toBeInstanceOf(FaultlineError);
    expect((e as FaultlineError).code).toBe('BAD_ARGUMENT');
    return e as FaultlineError;
  }
  throw new Error('not refused');
}

describe('time limit 0', () => {
  it('is refused alike by every checker, through the API and through the plugins', async () => {
    const cases: [string, () => unknown][] = [
      ['linearizable', () => checkLinearizable(register(), { model: 'cas-register', timeLimitMs: 0 })],
      ['sequential', () => checkSequential(register(), { model: 'cas-register', timeLimitMs: 0 })],
      ['list-append', () => checkElle(txns(), 'list-append', { timeLimitMs: 0 })],
      ['rw-register', () => checkElle(rwTxns(), 'rw-register', { timeLimitMs: 0 })],
    ];
    for (const [, f] of cases) expect((await refused(f)).message).toMatch(/positive number of milliseconds, got 0 \(0 leaves no time to check/);
    const plugins: [string, History][] = [['linearizable', register()], ['sequential', register()], ['list-append', txns()], ['rw-register', rwTxns()]];
    for (const [name, h] of plugins) {
      await refused(() => getChecker(name)!.create({}).check(h, { timeLimitMs: 0 }));
      await refused(() => getChecker(name)!.create({}).check(h, { timeLimitMs: '0' as unknown as number }));
      // A positive budget, however small, is a budget: the verdict comes back (valid or unknown).
      const r = await getChecker(name)!.create({}).check(h, { timeLimitMs: 5000 });
      expect(r.valid).toBe(true);
    }
  });

  it('accepts positive numbers and numeric strings, refuses the rest', () => {
    expect(timeLimitMs(undefined)).toBeUndefined();
    expect(timeLimitMs(0.5)).toBe(0.5);
    expect(timeLimitMs('250')).toBe(250);
    for (const bad of [0, -1, '0', 'soon', Infinity, NaN]) expect(() => timeLimitMs(bad)).toThrow(FaultlineError);
  });
});

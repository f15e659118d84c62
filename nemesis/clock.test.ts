// Clock nemesis with a fake db: refusal when the db cannot or does not honour skew, bumps and
// strobes reach the targets, reset undoes exactly the skewed nodes.

import { describe, expect, it } from 'vitest';
import { clockNemesis, clockOptions } from './clock.js';
import { buildNemesis } from './index.js';
import { parseOptions } from '../src/plugin/options.js';
import type { Clock, Db, Test } from '../src/protocols.js';
import { createRng } from '../src/rng.js';

function fakeDb(supported: boolean, calls: string[]): Db {
  const clock: Clock = {
    supported,
    reason: supported ? undefined : 'reads the clock without libc',
    bump: async (_t, node, d) => void calls.push(`bump ${node} ${d}`),
    reset: async (_t, nodes) => void calls.push(`reset ${nodes.sort().join(',')}`),
  };
  return { name: 'fake', setup: async () => {}, teardown: async () => {}, clock };
}

const test = { nodes: ['n1', 'n2', 'n3'], rng: createRng(7), signal: new AbortController().signal } as unknown as Test;
const settings = (raw: Record<string, string>) => parseOptions(clockOptions, raw, { flag: '--nemesis-option', owner: 'nemesis clock' });
const op = (f: string) => ({ index: 0, time: 0, type: 'invoke' as const, process: 'nemesis' as const, f, value: null });

describe('clock nemesis', () => {
  it('is refused, naming the db and the reason, when the server ignores skew', () => {
    expect(() => buildNemesis(['clock'], { db: fakeDb(false, []), intervalS: 5, options: {} })).toThrow(/--nemesis clock: db fake cannot skew nodes' clocks: reads the clock without libc/);
    const noClock: Db = { name: 'plain', setup: async () => {}, teardown: async () => {} };
    expect(() => buildNemesis(['clock'], { db: noClock, intervalS: 5, options: {} })).toThrow(/db plain cannot skew/);
  });

  it('bumps targets within the bound and resets exactly them', async () => {
    const calls: string[] = [];
    const db = fakeDb(true, calls);
    const n = clockNemesis(db, db.clock!, settings({ 'clock-max-ms': '1000', 'clock-targets': 'all' }));
    const r = await n.invoke(test, op('bump-clock'));
    const deltas = r.value as Record<string, number>;
    expect(Object.keys(deltas).sort()).toEqual(['n1', 'n2', 'n3']);
    for (const d of Object.values(deltas)) expect(Math.abs(d)).toBeLessThanOrEqual(1000);
    expect((await n.invoke(test, op('reset-clock'))).value).toHaveLength(3);
    expect(calls.at(-1)).toBe('reset n1,n2,n3');
    expect((await n.invoke(test, op('reset-clock'))).value).toEqual([]);
  });

  it('strobes back and forth and ends where it started', async () => {
    const calls: string[] = [];
    const db = fakeDb(true, calls);
    const n = clockNemesis(db, db.clock!, settings({ 'clock-strobe-ms': '10', 'clock-strobe-s': '0.1', 'clock-targets': 'one' }));
    await n.invoke(test, op('strobe-clock'));
    const sum = calls.map((c) => Number(c.split(' ')[2])).reduce((a, b) => a + b, 0);
    expect(calls.length).toBeGreaterThan(2);
    expect(sum).toBe(0);
  });

  it('rejects malformed options', () => {
    expect(() => settings({ 'clock-max-ms': 'x' })).toThrow("--nemesis-option clock-max-ms: expected a number >= 1, got 'x'");
  });
});

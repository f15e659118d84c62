import { describe, expect, it } from 'vitest';
import { checkElle, type ElleOptions } from './check.js';
import { build, concurrent, seq, type Step } from './test-helpers.js';

const rw = (steps: Step[], opts: ElleOptions = {}) => checkElle(build(steps), 'rw-register', { consistencyModel: 'strict-serializable', ...opts });

describe('rw-register checker: hand-made anomalies', () => {
  it('a serial history is strict-serializable', () => {
    const r = rw([...seq(0, [['w', 'x', 1]]), ...seq(1, [['r', 'x', 1], ['w', 'x', 2]]), ...seq(0, [['r', 'x', 2]])]);
    expect(r.valid).toBe(true);
    expect(r.anomalyTypes).toEqual([]);
  });

  it('G-single: write skew is G2-item, read skew is G-single', () => {
    const skew = rw([...concurrent([[['r', 'x', null], ['w', 'y', 1]], [['r', 'y', null], ['w', 'x', 1]]])]);
    expect(skew.anomalyTypes).toEqual(['G2-item']);
    expect(skew.not).toEqual(['repeatable-read']);
    const readSkew = rw(concurrent([[['r', 'x', null], ['r', 'y', 1]], [['w', 'x', 1], ['w', 'y', 1]]]));
    expect(readSkew.anomalyTypes).toEqual(['G-single']);
    const steps = readSkew.examples['G-single']![0]!.steps!;
    expect(steps.map((s) => s.kind).sort()).toEqual(['rw', 'wr']);
    expect(steps.find((s) => s.kind === 'rw')!.explanation).toMatch(/read key "x" = nil and T\d+ wrote 1/);
  });

  it('G1a, G1b, dirty update, internal, future read, lost update, garbage', () => {
    expect(rw([...seq(0, [['w', 'x', 1]], 'fail'), ...seq(1, [['r', 'x', 1]])]).anomalyTypes).toEqual(['G1a']);
    expect(rw([...seq(0, [['w', 'x', 1]], 'fail'), ...seq(1, [['r', 'x', 1], ['w', 'x', 2]])]).anomalyTypes).toEqual(['G1a', 'dirty-update']);
    expect(rw(concurrent([[['w', 'x', 1], ['w', 'x', 2]], [['r', 'x', 1]]])).anomalyTypes).toEqual(['G1b']);
    expect(rw(seq(0, [['w', 'x', 1], ['r', 'x', null]])).anomalyTypes).toEqual(['internal']);
    expect(rw(seq(0, [['r', 'x', 1], ['w', 'x', 1]])).anomalyTypes).toEqual(['future-read']);
    const lost = rw(concurrent([[['r', 'x', null], ['w', 'x', 1]], [['r', 'x', null], ['w', 'x', 2]]]));
    expect(lost.anomalyTypes).toContain('lost-update');
    expect(rw(seq(0, [['r', 'x', 7]])).anomalyTypes).toEqual(['garbage-read']);
  });

  it('version order from real time only with linearizableKeys', () => {
    // x=1 written, then x=2 written, then x read as 1: stale only if versions follow real time.
    const steps = [...seq(0, [['w', 'x', 1]]), ...seq(1, [['w', 'x', 2]]), ...seq(2, [['r', 'x', 1]])];
    expect(rw(steps).valid).toBe(true);
    const r = rw(steps, { linearizableKeys: true });
    expect(r.anomalyTypes).toEqual(['cyclic-versions']);
    expect(r.examples['cyclic-versions']![0]!.text).toMatch(/completed before/);
    // With two keys the stale read becomes a real-time cycle: T2 read y = 1 after T1 wrote y = 2.
    const two = [...seq(0, [['w', 'x', 1], ['w', 'y', 1]]), ...seq(1, [['w', 'y', 2]]), ...seq(2, [['r', 'y', 1], ['r', 'x', 1]])];
    expect(rw(two, { consistencyModel: 'serializable' }).valid).toBe(true);
  });

  it('version order from each process with sequentialKeys; cyclic versions reported', () => {
    const steps = [
      ...concurrent([[['w', 'x', 1]], [['w', 'x', 2]]]),
      ...seq(5, [['r', 'x', 1]]), ...seq(5, [['r', 'x', 2]]), ...seq(5, [['r', 'x', 1]]),
    ];
    expect(rw(steps, { consistencyModel: 'serializable' }).valid).toBe(true);
    const r = rw(steps, { sequentialKeys: true, consistencyModel: 'serializable' });
    expect(r.anomalyTypes).toEqual(['cyclic-versions']);
    expect(r.valid).toBe(false);
  });

  it('malformed register transactions are clear errors', () => {
    expect(() => rw(seq(0, [['w', 'x', null]]))).toThrow(/writes no value/);
    expect(() => rw(seq(0, [['append', 'x', 1]]))).toThrow(/expects w or r/);
    expect(() => rw([...seq(0, [['w', 'x', 1]]), ...seq(1, [['w', 'x', 1]])])).toThrow(/written to key "x" twice/);
    expect(() => checkElle(build([['invoke', 0, []], ['ok', 0, 5 as unknown as unknown[]]]), 'rw-register', {})).toThrow(/list of micro-ops/);
  });
});

import { describe, expect, it } from 'vitest';
import { FaultlineError } from '../../src/errors.js';
import { exitCodeForVerdict as exitCodeFor } from '../../src/errors.js';
import { gateWarning, parseFailOn } from './gate.js';
import { overallValidity, reportCi } from './index.js';

describe('gate', () => {
  it('maps verdicts to exit codes under --fail-on', () => {
    expect([true, false, 'unknown'].map((v) => exitCodeFor(v as never))).toEqual([0, 1, 2]);
    expect([true, false, 'unknown'].map((v) => exitCodeFor(v as never, 'invalid'))).toEqual([0, 1, 0]);
    expect(gateWarning('unknown', 'invalid')).toMatch(/unknown/);
    expect(gateWarning('unknown', 'unknown')).toBeUndefined();
  });
  it('rejects a bad --fail-on value naming the option', () => {
    expect(parseFailOn(undefined)).toBe('unknown');
    expect(() => parseFailOn('sometimes')).toThrow(FaultlineError);
    expect(() => parseFailOn('sometimes')).toThrow(/--fail-on/);
  });
  it('takes the worst over runs, a crash counting as unknown', () => {
    expect(overallValidity([{ test: {}, results: { valid: true } }, { test: {}, crash: 'x' }])).toBe('unknown');
    expect(overallValidity([{ test: {}, results: { valid: false } }, { test: {}, crash: 'x' }])).toBe(false);
    const warnings: string[] = [];
    expect(reportCi([{ test: {}, results: { valid: 'unknown' } }], { env: {}, failOn: 'invalid', warn: (w) => warnings.push(w) })).toBe(0);
    expect(warnings).toHaveLength(1);
    expect(reportCi([{ test: {}, results: { valid: false } }], { env: {} })).toBe(1);
  });
});

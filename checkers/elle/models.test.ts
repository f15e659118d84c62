import { describe, expect, it } from 'vitest';
import { canonicalModel, impliedAnomalies, judgeModels, prohibits } from './models.js';

describe('consistency models', () => {
  it('maps anomalies to the weakest models they rule out', () => {
    expect(judgeModels(['G0']).not).toEqual(['read-uncommitted']);
    expect(judgeModels(['G1a']).not).toEqual(['read-committed']);
    expect(judgeModels(['G1c']).not).toEqual(['read-committed']);
    expect(judgeModels(['G2-item']).not).toEqual(['repeatable-read']);
    expect(judgeModels(['G-single']).not.sort()).toEqual(['repeatable-read', 'snapshot-isolation']);
    expect(judgeModels(['G-single-process']).not.sort()).toEqual(['strong-session-repeatable-read', 'strong-session-snapshot-isolation']);
    expect(judgeModels(['G2-item-realtime']).not).toEqual(['strong-repeatable-read']);
    expect(judgeModels(['internal']).not).toEqual(['snapshot-isolation']);
    expect(judgeModels(['incompatible-order']).not).toEqual(['read-committed']);
    expect(judgeModels(['lost-update']).not.sort()).toEqual(['repeatable-read', 'snapshot-isolation']);
    expect(judgeModels(['cyclic-versions']).not).toEqual(['read-uncommitted']);
  });

  it('reports the strongest models still possible', () => {
    expect(judgeModels([]).strongest).toEqual(['strict-serializable']);
    expect(judgeModels(['G2-item']).strongest).toEqual(['strong-snapshot-isolation']);
    expect(judgeModels(['G-single']).strongest).toEqual(['strong-read-committed']);
    expect(judgeModels(['G-single-realtime']).strongest.sort()).toEqual(['strong-read-committed', 'strong-session-serializable']);
    const g0 = judgeModels(['G0']);
    expect(g0.possible).toEqual([]);
    expect(g0.alsoNot).toContain('strict-serializable');
  });

  it('implication closes over shapes and variants', () => {
    const s = impliedAnomalies(['G0']);
    for (const t of ['G1c', 'G1', 'G0-process', 'G0-realtime', 'G1c-realtime']) expect(s.has(t)).toBe(true);
    expect(s.has('G2-item')).toBe(false);
    expect(prohibits('serializable', 'G-single')).toBe(true);
    expect(prohibits('snapshot-isolation', 'G2-item')).toBe(false);
    expect(prohibits('serializable', 'G2-item-realtime')).toBe(false);
    expect(prohibits('strict-serializable', 'G2-item-realtime')).toBe(true);
  });

  it('names models canonically and refuses unknown ones', () => {
    expect(canonicalModel('strong-serializable')).toBe('strict-serializable');
    expect(canonicalModel('snapshot-isolation')).toBe('snapshot-isolation');
    expect(() => canonicalModel('eventual')).toThrow(/unknown consistency model 'eventual'/);
  });
});

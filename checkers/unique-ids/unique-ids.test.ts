import { describe, expect, it } from 'vitest';
import { HistoryBuilder } from '../history-builder.js';
import { checkUniqueIds } from './index.js';

describe('unique-ids', () => {
  it('accepts distinct ids and names duplicates', () => {
    const b = new HistoryBuilder();
    b.op(0, 'generate', null, 'ok', 1);
    b.op(1, 'generate', null, 'ok', 2);
    b.op(1, 'generate', null, 'info', null);
    expect(checkUniqueIds(b.history()).valid).toBe(true);
    const dupAt = b.op(2, 'generate', null, 'ok', 1);
    const r = checkUniqueIds(b.history());
    expect(r.valid).toBe(false);
    expect(r.duplicated).toEqual([{ id: 1, count: 2, indices: [1, dupAt] }]);
    expect(r.anomalies?.[0]?.index).toBe(dupAt);
  });
});

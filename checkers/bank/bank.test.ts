import { describe, expect, it } from 'vitest';
import { HistoryBuilder } from '../history-builder.js';
import { checkBank } from './index.js';

describe('bank', () => {
  it('accepts reads that conserve the total', () => {
    const b = new HistoryBuilder();
    b.op(0, 'read', null, 'ok', { 0: 10, 1: 10 });
    b.op(1, 'transfer', { from: 0, to: 1, amount: 3 });
    b.op(0, 'read', null, 'ok', { 0: 7, 1: 13 });
    b.op(0, 'read', null, 'ok', [[0, 7], [1, 13]]);
    const r = checkBank(b.history(), { total: 20, accounts: [0, 1] });
    expect(r.valid).toBe(true);
  });
  it('flags a wrong total and negative balances', () => {
    const b = new HistoryBuilder();
    b.op(0, 'read', null, 'ok', { 0: 10, 1: 10 });
    b.op(0, 'read', null, 'ok', { 0: 10, 1: 10 });
    b.op(0, 'read', null, 'ok', { 0: 7, 1: 10 });
    b.op(0, 'read', null, 'ok', { 0: -1, 1: 21 });
    const r = checkBank(b.history());
    expect(r.valid).toBe(false);
    expect(r.total).toBe(20);
    expect(r.totalInferred).toBe(true);
    expect(r.errorTypes).toEqual({ 'wrong-total': 1, negative: 1 });
    expect(checkBank(b.history(), { negativeBalances: true }).errorTypes).toEqual({ 'wrong-total': 1 });
  });
});

import { describe, expect, it } from 'vitest';
import { createRng } from '../src/rng.js';
import { workloads } from './index.js';
import { bankSettings } from './bank.js';

describe('bank workloads', () => {
  it('settings: 8 accounts of 10 by default, refused garbage named', () => {
    expect(bankSettings({})).toEqual({ accounts: [0, 1, 2, 3, 4, 5, 6, 7], total: 80, maxTransfer: 5 });
    expect(bankSettings({ workloadOptions: { accounts: '3' } })).toMatchObject({ accounts: [0, 1, 2], total: 30 });
    expect(bankSettings({ workloadOptions: { accounts: '3', total: '100' } }).total).toBe(100);
    expect(() => bankSettings({ workloadOptions: { accounts: '1' } })).toThrow(/--workload-option accounts: expected an integer >= 2/);
  });
  it('generates transfers between two different accounts, reads, and (bank-2pc) recovery scans', () => {
    for (const name of ['bank', 'bank-2pc']) {
      const w = workloads.get(name)!.create({ concurrency: 2, nodes: ['n1'], options: { accounts: 8, 'max-transfer': 5 } });
      const rng = createRng(3);
      const fs = new Set<string>();
      for (let i = 0; i < 400; i++) {
        const r = w.generator.op({ time: 0, freeThreads: [0], allThreads: [0], workers: new Map([[0, 0]]), processThreads: new Map([[0, 0]]), rng });
        const op = r && 'op' in r ? (r.op as unknown as { f: string; value: { from: number; to: number; amount: number } }) : undefined;
        if (!op) continue;
        fs.add(op.f);
        if (op.f === 'transfer') {
          expect(op.value.from).not.toBe(op.value.to);
          expect(op.value.amount).toBeGreaterThanOrEqual(1);
          expect(op.value.amount).toBeLessThanOrEqual(5);
        }
      }
      expect([...fs].sort()).toEqual(name === 'bank' ? ['read', 'transfer'] : ['read', 'recover', 'transfer']);
    }
  });
});

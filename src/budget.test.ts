// Budgets cover reading and preparation, not only the search: `faultline check`'s path ends with
// `unknown` and the reason when time or memory runs out in any stage. Before, reading and
// preparing were never budgeted (--time-limit 1 took 48 s on 5M ops, --memory-limit 100 peaked at
// 3.6 GB, and a memory limit was only the search's memo budget).

import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Budget, BudgetExhausted, checkpoint, withBudget } from './budget.js';
import { writeHistoryJsonl } from './history-io.js';
import { checkFile, type CheckCliOptions } from '../app/commands/check.js';
import { checkLinearizable } from '../checkers/linearizable/index.js';
import { checkElle } from '../checkers/elle/check.js';
import { simulateRegister } from '../checkers/linearizable/sim-register.js';
import { simulate } from '../checkers/elle/simulate.js';

const dir = mkdtempSync(join(tmpdir(), 'fl-budget-'));
const history = simulateRegister({ ops: 20_000, processes: 10, seed: 11, keys: 20 });
const file = join(dir, 'h.jsonl');
writeHistoryJsonl(file, history);
const o = (extra: Partial<CheckCliOptions>): CheckCliOptions => ({ format: 'auto', failOn: 'unknown', partition: true, opt: {}, model: 'cas-register', ...extra });

describe('the budget of faultline check', () => {
  it('covers reading: a time or memory limit spent while reading gives unknown with the reason', async () => {
    const t = await checkFile(file, o({ timeLimit: 0.000_001 }));
    expect(t.result.valid).toBe('unknown');
    expect(t.result.error).toMatch(/^time limit of 0\.001 ms exhausted while reading the history \(line \d+ of .*h\.jsonl\)$/);
    const m = await checkFile(file, o({ memoryLimit: 1 }));
    expect(m.result.valid).toBe('unknown');
    expect(m.result.error).toMatch(/^memory limit of 1 MiB exhausted while reading the history \(line 1 of .*h\.jsonl\) \(resident memory \d+ MiB\)$/);
    // Within a generous budget the verdict is the checker's.
    expect((await checkFile(file, o({ timeLimit: 120, memoryLimit: 100_000 }))).result.valid).toBe(true);
  });

  it('covers the checkers\' preparation (linearizable, Elle) through checkpoint()', async () => {
    const spent = new Budget({ memoryLimitBytes: 1 });
    await expect(withBudget(spent, async () => checkLinearizable(history, { model: 'cas-register' }))).rejects.toThrow(/memory limit of 0 MiB exhausted while (pairing invocations|preparing the linearizability check)/);
    const txns = simulate({ isolation: 'serializable', workload: 'list-append', txns: 5000, processes: 5, seed: 1 });
    await expect(withBudget(spent, async () => checkElle(txns, 'list-append'))).rejects.toThrow(BudgetExhausted);
    // Without an active budget, checkpoint() does nothing.
    expect(() => checkpoint('idle')).not.toThrow();
    expect(checkLinearizable(history, { model: 'cas-register' }).valid).toBe(true);
  });
});

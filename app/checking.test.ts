// The checker `faultline check` chooses: --consistency-model reaches a workload's own checker
// (it used to be dropped for --workload, judging write skew against strict-serializable).
import { describe, expect, it } from 'vitest';
import './builtins.js';
import { chooseChecker } from './checking.js';
import type { History } from '../src/history.js';

const op = (process: number, type: 'invoke' | 'ok', value: unknown, index: number) => ({ index, time: index, process, type, f: 'txn', value });
// Write skew: each transaction reads the key the other appends to, both commit.
const writeSkew = [
  op(0, 'invoke', [['r', 1, null], ['append', 2, 1]], 0),
  op(1, 'invoke', [['r', 2, null], ['append', 1, 1]], 1),
  op(0, 'ok', [['r', 1, []], ['append', 2, 1]], 2),
  op(1, 'ok', [['r', 2, []], ['append', 1, 1]], 3),
  op(0, 'invoke', [['r', 1, null], ['r', 2, null]], 4),
  op(0, 'ok', [['r', 1, [1]], ['r', 2, [1]]], 5),
] as History;

describe('chooseChecker', () => {
  it('judges a workload against --consistency-model', async () => {
    const judge = async (consistencyModel?: string) => {
      const { checker, opts } = chooseChecker({ workload: 'list-append', consistencyModel, partition: true, opt: {} });
      return (await checker.check(writeSkew, opts)).valid;
    };
    expect(await judge()).toBe(false);
    expect(await judge('snapshot-isolation')).toBe(true);
    expect(await judge('serializable')).toBe(false);
  });
});

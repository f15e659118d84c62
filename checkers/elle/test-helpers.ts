// Small builders of transactional histories for the Elle checker tests.

import type { History, Op, OpType } from '../../src/history.js';

export type Step = [OpType, number, unknown[]];

/** A history from steps [type, process, micro-ops] in order (invocations with reads as nil). */
export function build(steps: Step[]): History {
  return steps.map(([type, process, value], index): Op => ({
    index, time: index * 1000, type, process, f: 'txn',
    value: type === 'invoke' ? value.map((m) => ((m as unknown[])[0] === 'r' ? ['r', (m as unknown[])[1], null] : m)) : value,
  }));
}

/** Transactions that all overlap (all invoked, then all completed ok): no real-time order among them. */
export function concurrent(txns: unknown[][], firstProcess = 0): Step[] {
  return [
    ...txns.map((t, i): Step => ['invoke', firstProcess + i, t]),
    ...txns.map((t, i): Step => ['ok', firstProcess + i, t]),
  ];
}

/** One transaction, invoked and completed ok right away. */
export function seq(process: number, txn: unknown[], type: OpType = 'ok'): Step[] {
  return [['invoke', process, txn], [type, process, txn]];
}

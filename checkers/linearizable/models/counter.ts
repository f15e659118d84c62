// Counter model: add delta (any number), read → the current total. Initially 0. Integers are
// exact at any size (bigint past 2^53), so a read one off a huge total is caught.

import { addNumbers, canonicalInt, hashValue, isNumeric, sameValue, show, type Model } from '../model.js';

type Total = number | bigint;

export const counterModel: Model<Total> = {
  name: 'counter',
  description: 'counter: add n, read → total (initially 0)',
  init: () => 0,
  step(n, op) {
    if (op.f === 'add') return addNumbers(n, op.value as Total);
    if (op.f === 'read') return op.status === 'ok' && !sameValue(op.output, n) ? undefined : n;
    return undefined;
  },
  equal: (a, b) => a === b || sameValue(a, b),
  hash: (n) => hashValue(typeof n === 'number' && !Number.isInteger(n) ? Math.round(n * 1e6) / 1e6 : canonicalInt(n)),
  validate(op) {
    if (op.f !== 'add' && op.f !== 'read') return `the counter model has no operation '${op.f}' (expected add, read)`;
    if (op.f === 'add' && !isNumeric(op.value)) return `add expects a number, got ${show(op.value)}`;
    if (op.f === 'read' && op.status === 'ok' && !isNumeric(op.output)) return `a counter read returns a number, got ${show(op.output)}`;
    return undefined;
  },
  readOnly: (op) => op.f === 'read',
  symmetryKey: (op) => 'add ' + show(op.value),
  describeOp: (op) => (op.f === 'add' ? `add ${show(op.value)}` : op.status === 'ok' ? `read → ${show(op.output)}` : 'read → ?') + (op.status === 'info' ? ' (crashed)' : ''),
  describeState: (n) => show(n),
};

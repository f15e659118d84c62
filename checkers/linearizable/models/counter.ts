// Counter model: add delta (any number), read → the current total. Initially 0.

import { mix32, show, type Model } from '../model.js';

export const counterModel: Model<number> = {
  name: 'counter',
  description: 'counter: add n, read → total (initially 0)',
  init: () => 0,
  step(n, op) {
    if (op.f === 'add') return n + (op.value as number);
    if (op.f === 'read') return op.status === 'ok' && op.output !== n ? undefined : n;
    return undefined;
  },
  equal: (a, b) => a === b,
  hash: (n) => (Number.isInteger(n) ? mix32(n | 0) : mix32(Math.round(n * 1e6) | 0)),
  validate(op) {
    if (op.f !== 'add' && op.f !== 'read') return `the counter model has no operation '${op.f}' (expected add, read)`;
    if (op.f === 'add' && typeof op.value !== 'number') return `add expects a number, got ${show(op.value)}`;
    if (op.f === 'read' && op.status === 'ok' && typeof op.output !== 'number') return `a counter read returns a number, got ${show(op.output)}`;
    return undefined;
  },
  readOnly: (op) => op.f === 'read',
  symmetryKey: (op) => 'add ' + String(op.value),
  describeOp: (op) => (op.f === 'add' ? `add ${show(op.value)}` : op.status === 'ok' ? `read → ${show(op.output)}` : 'read → ?') + (op.status === 'info' ? ' (crashed)' : ''),
  describeState: (n) => String(n),
};

// FIFO queue model: enqueue v, dequeue → v (nil when empty). The state is the queue's contents.

import { hashString, canonicalJson, sameValue, show, type Model } from '../model.js';

interface QueueState {
  readonly items: readonly unknown[];
  readonly h: number;
}

function make(items: readonly unknown[]): QueueState {
  let h = 0x12345;
  for (const it of items) h = Math.imul(h ^ hashString(canonicalJson(it)), 0x01000193);
  return { items, h: h >>> 0 };
}

export const fifoQueueModel: Model<QueueState> = {
  name: 'fifo-queue',
  description: 'FIFO queue: enqueue v, dequeue → v (nil when empty)',
  init: () => make([]),
  step(s, op) {
    if (op.f === 'enqueue') return make([...s.items, op.value]);
    if (op.f === 'dequeue') {
      if (op.status === 'info') return s.items.length ? make(s.items.slice(1)) : undefined;
      if (op.output === null || op.output === undefined) return s.items.length ? undefined : s;
      return s.items.length && sameValue(s.items[0], op.output) ? make(s.items.slice(1)) : undefined;
    }
    return undefined;
  },
  equal(a, b) {
    return a === b || (a.h === b.h && a.items.length === b.items.length && a.items.every((x, i) => sameValue(x, b.items[i])));
  },
  hash: (s) => s.h,
  validate: (op) => (op.f === 'enqueue' || op.f === 'dequeue' ? undefined : `the fifo-queue model has no operation '${op.f}' (expected enqueue, dequeue)`),
  symmetryKey: (op) => op.f + ' ' + canonicalJson(op.value),
  describeOp: (op) => (op.f === 'enqueue' ? `enqueue ${show(op.value)}` : op.status === 'ok' ? `dequeue → ${show(op.output)}` : 'dequeue → ?') + (op.status === 'info' ? ' (crashed)' : ''),
  describeState: (s) => '[' + s.items.map(show).join(' ') + ']',
};

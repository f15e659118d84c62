// Unordered queue model: enqueue v, dequeue → any enqueued v (nil when empty). The state is a
// multiset. A crashed dequeue may have removed any element: the model is nondeterministic there.

import { canonicalJson, hashString, show, type Model } from '../model.js';

interface BagState {
  readonly counts: ReadonlyMap<string, number>; // canonical JSON → multiplicity
  readonly size: number;
  readonly h: number; // sum of element hashes (a multiset hash)
}

function add(s: BagState, e: string, d: number): BagState {
  const counts = new Map(s.counts);
  const n = (counts.get(e) ?? 0) + d;
  if (n === 0) counts.delete(e);
  else counts.set(e, n);
  return { counts, size: s.size + d, h: (s.h + d * hashString(e)) >>> 0 };
}

export const unorderedQueueModel: Model<BagState> = {
  name: 'unordered-queue',
  description: 'unordered queue: enqueue v, dequeue → some enqueued v (nil when empty)',
  init: () => ({ counts: new Map(), size: 0, h: 0 }),
  step(s, op) {
    const all = this.stepAll!(s, op);
    return all.length === 1 ? all[0] : undefined;
  },
  stepAll(s, op) {
    if (op.f === 'enqueue') return [add(s, canonicalJson(op.value), 1)];
    if (op.f !== 'dequeue') return [];
    if (op.status === 'info') return [...s.counts.keys()].map((e) => add(s, e, -1));
    if (op.output === null || op.output === undefined) return s.size === 0 ? [s] : [];
    const e = canonicalJson(op.output);
    return s.counts.has(e) ? [add(s, e, -1)] : [];
  },
  equal(a, b) {
    if (a === b) return true;
    if (a.h !== b.h || a.size !== b.size || a.counts.size !== b.counts.size) return false;
    for (const [e, n] of a.counts) if (b.counts.get(e) !== n) return false;
    return true;
  },
  hash: (s) => s.h,
  validate: (op) => (op.f === 'enqueue' || op.f === 'dequeue' ? undefined : `the unordered-queue model has no operation '${op.f}' (expected enqueue, dequeue)`),
  symmetryKey: (op) => op.f + ' ' + canonicalJson(op.value),
  describeOp: (op) => (op.f === 'enqueue' ? `enqueue ${show(op.value)}` : op.status === 'ok' ? `dequeue → ${show(op.output)}` : 'dequeue → ?') + (op.status === 'info' ? ' (crashed)' : ''),
  describeState: (s) => '{' + [...s.counts].sort().map(([e, n]) => (n > 1 ? `${e}×${n}` : e)).join(' ') + '}',
};

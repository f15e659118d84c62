// Mutex model: acquire, release. The state is whether the lock is held.

import { type Model } from '../model.js';

export const mutexModel: Model<boolean> = {
  name: 'mutex',
  description: 'mutex: acquire (must be free), release (must be held)',
  init: () => false,
  step(held, op) {
    if (op.f === 'acquire') return held ? undefined : true;
    if (op.f === 'release') return held ? false : undefined;
    return undefined;
  },
  equal: (a, b) => a === b,
  hash: (s) => (s ? 1 : 2),
  validate: (op) => (op.f === 'acquire' || op.f === 'release' ? undefined : `the mutex model has no operation '${op.f}' (expected acquire, release)`),
  symmetryKey: (op) => op.f,
  describeOp: (op) => op.f + (op.status === 'info' ? ' (crashed)' : ''),
  describeState: (held) => (held ? 'held' : 'free'),
};

// Set model: add (value = element), read (ok value = every element). Grow-only, initially empty.

import { canonicalJson, hashString, show, type Model } from '../model.js';

interface SetState {
  readonly els: ReadonlySet<string>; // canonical JSON of the elements
  readonly h: number; // XOR of element hashes
}

function readSet(v: unknown): Set<string> | undefined {
  return Array.isArray(v) ? new Set(v.map(canonicalJson)) : undefined;
}

export const setModel: Model<SetState> = {
  name: 'set',
  description: 'grow-only set: add e, read → [elements]',
  init: () => ({ els: new Set(), h: 0 }),
  step(s, op) {
    if (op.f === 'add') {
      const e = canonicalJson(op.value);
      if (s.els.has(e)) return s;
      return { els: new Set(s.els).add(e), h: (s.h ^ hashString(e)) >>> 0 };
    }
    if (op.f === 'read') {
      if (op.status !== 'ok') return s;
      const r = readSet(op.output);
      if (!r || r.size !== s.els.size) return undefined;
      for (const e of r) if (!s.els.has(e)) return undefined;
      return s;
    }
    return undefined;
  },
  equal(a, b) {
    if (a === b) return true;
    if (a.h !== b.h || a.els.size !== b.els.size) return false;
    for (const e of a.els) if (!b.els.has(e)) return false;
    return true;
  },
  hash: (s) => s.h,
  validate(op) {
    if (op.f !== 'add' && op.f !== 'read') return `the set model has no operation '${op.f}' (expected add, read)`;
    if (op.f === 'read' && op.status === 'ok' && !Array.isArray(op.output)) return `a set read returns an array, got ${show(op.output)}`;
    return undefined;
  },
  readOnly: (op) => op.f === 'read',
  symmetryKey: (op) => op.f + ' ' + canonicalJson(op.value),
  describeOp: (op) => (op.f === 'add' ? `add ${show(op.value)}${op.status === 'info' ? ' (crashed)' : ''}` : op.status === 'ok' ? `read → ${show(op.output)}` : 'read → ?'),
  describeState: (s) => '#{' + [...s.els].sort().join(' ') + '}',
};

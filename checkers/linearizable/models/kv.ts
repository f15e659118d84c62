// Key-value map model (Porcupine's kv): get, put, append on string values, values are `[k, v]`
// tuples. Missing keys read as "". Partitions by key (P-compositionality: keys are independent);
// with `partition: false` the whole map is one state (Porcupine's kvNoPart).

import { hashString, isPair, show, type Model, type ModelOp, type Partition } from '../model.js';

/**
 * An immutable map as parallel arrays (few keys per state: one when split by key), with a hash
 * per value that `append` extends in O(appended length) (polynomial hash: H(s+t) = H(s)·B^|t| + H(t), i.e. continue hashing from H(s)),
 * and the state hash = XOR of per-entry hashes.
 */
interface KvState {
  readonly ks: readonly string[];
  readonly vs: readonly string[];
  readonly hs: readonly number[];
  readonly h: number;
}

const EMPTY: KvState = { ks: [], vs: [], hs: [], h: 0 };
const B = 0x01000193;

function polyHash(t: string, h = 0): number {
  for (let i = 0; i < t.length; i++) h = (Math.imul(h, B) + t.charCodeAt(i)) | 0;
  return h;
}

function keyOf(op: ModelOp): string {
  const k = (op.value as [unknown, unknown])[0];
  return typeof k === 'string' ? k : JSON.stringify(k);
}

function entryHash(k: string, vh: number, v: string): number {
  return v === '' ? 0 : (hashString(k) ^ Math.imul(vh, 0x9e3779b1) ^ v.length) >>> 0;
}

function get(s: KvState, k: string): number {
  for (let i = 0; i < s.ks.length; i++) if (s.ks[i] === k) return i;
  return -1;
}

/** Set key k to v whose value hash is vh. */
function set(s: KvState, k: string, v: string, vh: number): KvState {
  const i = get(s, k);
  const oldH = i < 0 ? 0 : entryHash(k, s.hs[i]!, s.vs[i]!);
  if (i >= 0 && s.vs[i] === v) return s;
  if (i < 0 && v === '') return s;
  const ks = s.ks.slice();
  const vs = s.vs.slice();
  const hs = s.hs.slice();
  if (i < 0) {
    ks.push(k);
    vs.push(v);
    hs.push(vh);
  } else {
    vs[i] = v;
    hs[i] = vh;
  }
  return { ks, vs, hs, h: (s.h ^ oldH ^ entryHash(k, vh, v)) >>> 0 };
}

function valueAt(s: KvState, k: string): string {
  const i = get(s, k);
  return i < 0 ? '' : s.vs[i]!;
}

function str(v: unknown): string {
  return v === null || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v);
}

const FS = ['get', 'put', 'append', 'read', 'write'];

export const kvModel: Model<KvState> = {
  name: 'kv',
  description: 'key-value map of strings: get, put, append with [k v] values ("" when unset); split by key',
  keyed: true,
  init: () => EMPTY,
  step(s, op) {
    const k = keyOf(op);
    switch (op.f) {
      case 'get':
      case 'read':
        return op.status === 'ok' && valueAt(s, k) !== str((op.output as [unknown, unknown])[1]) ? undefined : s;
      case 'put':
      case 'write': {
        const v = str((op.value as [unknown, unknown])[1]);
        return set(s, k, v, polyHash(v));
      }
      case 'append': {
        const t = str((op.value as [unknown, unknown])[1]);
        if (t === '') return s;
        const i = get(s, k);
        if (i < 0) return set(s, k, t, polyHash(t));
        return set(s, k, s.vs[i]! + t, polyHash(t, s.hs[i]!));
      }
      default:
        return undefined;
    }
  },
  equal(a, b) {
    if (a === b) return true;
    if (a.h !== b.h) return false;
    const na = a.vs.reduce((n, v) => n + (v === '' ? 0 : 1), 0);
    const nb = b.vs.reduce((n, v) => n + (v === '' ? 0 : 1), 0);
    if (na !== nb) return false;
    for (let i = 0; i < a.ks.length; i++) if (a.vs[i] !== '' && valueAt(b, a.ks[i]!) !== a.vs[i]) return false;
    return true;
  },
  hash: (s) => s.h,
  // Strings are shared between states until compared (then flattened): count them once each.
  stateBytes: (s) => 64 + s.ks.length * 24 + s.vs.reduce((n, v) => n + v.length, 0),
  partition(ops) {
    const byKey = new Map<string, Partition>();
    for (const op of ops) {
      const k = keyOf(op);
      let p = byKey.get(k);
      if (!p) byKey.set(k, (p = { key: (op.value as [unknown, unknown])[0], ops: [] }));
      p.ops.push(op);
    }
    return [...byKey.values()];
  },
  validate(op) {
    if (!FS.includes(op.f)) return `the kv model has no operation '${op.f}' (expected get, put, append)`;
    if (!isPair(op.value)) return `kv ops take a [key value] tuple, got ${show(op.value)}`;
    if (op.status === 'ok' && (op.f === 'get' || op.f === 'read') && !isPair(op.output)) return `a kv read returns a [key value] tuple, got ${show(op.output)}`;
    return undefined;
  },
  readOnly: (op) => op.f === 'get' || op.f === 'read',
  symmetryKey: (op) => op.f + ' ' + JSON.stringify(op.value),
  describeOp(op) {
    const [k, v] = op.value as [unknown, unknown];
    const crashed = op.status === 'info' ? ' (crashed)' : '';
    if (op.f === 'get' || op.f === 'read') return op.status === 'ok' ? `get ${show(k)} → ${show(str((op.output as [unknown, unknown])[1]))}` : `get ${show(k)} → ?`;
    return `${op.f} ${show(k)} ${show(v)}${crashed}`;
  },
  describeState(s) {
    const entries = s.ks.map((k, i) => [k, s.vs[i]!] as const).filter(([, v]) => v !== '');
    if (entries.length === 0) return '{}';
    return '{' + entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${show(k)} ${show(v)}`).join(', ') + '}';
  },
};

// Key-value map model (Porcupine's kv): get, put, append on string values, values are `[k, v]`
// tuples. Missing keys read as "". Partitions by key (P-compositionality: keys are independent);
// with `partition: false` the whole map is one state (Porcupine's kvNoPart).

import { canonicalJson, hashString, isPair, show, type Model, type ModelOp, type Partition } from '../model.js';

/**
 * An immutable map as a key-sorted linked list without empty values (one node when split by
 * key; puts copy only the nodes before their key). Each value carries a polynomial hash that
 * `append` extends in O(appended length) (continue hashing from H(s): H(s+t) = H(s)·B^|t| + H(t)),
 * and each node the XOR of the entry hashes from it to the end: the state's hash.
 */
interface KvNode {
  readonly k: string;
  readonly v: string;
  readonly vh: number;
  readonly next: KvNode | null;
  readonly h: number;
}
type KvState = KvNode | null;

const B = 0x01000193;

function polyHash(t: string, h = 0): number {
  for (let i = 0; i < t.length; i++) h = (Math.imul(h, B) + t.charCodeAt(i)) | 0;
  return h;
}

function keyOf(op: ModelOp): string {
  const k = (op.value as [unknown, unknown])[0];
  return typeof k === 'string' ? k : canonicalJson(k);
}

function entryHash(k: string, vh: number, v: string): number {
  return (hashString(k) ^ Math.imul(vh, 0x9e3779b1) ^ v.length) >>> 0;
}

function node(k: string, v: string, vh: number, next: KvNode | null): KvNode {
  return { k, v, vh, next, h: ((next ? next.h : 0) ^ entryHash(k, vh, v)) >>> 0 };
}

/** The map with key k set to v (value hash vh); '' removes the key. */
function set(s: KvState, k: string, v: string, vh: number): KvState {
  if (s === null || s.k > k) return v === '' ? s : node(k, v, vh, s);
  if (s.k === k) {
    if (s.v === v) return s;
    return v === '' ? s.next : node(k, v, vh, s.next);
  }
  const rest = set(s.next, k, v, vh);
  return rest === s.next ? s : node(s.k, s.v, s.vh, rest);
}

function find(s: KvState, k: string): KvNode | null {
  for (let n = s; n !== null && n.k <= k; n = n.next) if (n.k === k) return n;
  return null;
}

function valueAt(s: KvState, k: string): string {
  return find(s, k)?.v ?? '';
}

function str(v: unknown): string {
  return v === null || v === undefined ? '' : typeof v === 'string' ? v : canonicalJson(v);
}

const FS = ['get', 'put', 'append', 'read', 'write'];

export const kvModel: Model<KvState> = {
  name: 'kv',
  description: 'key-value map of strings: get, put, append with [k v] values ("" when unset); split by key',
  keyed: true,
  init: () => null,
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
        const n = find(s, k);
        return n === null ? set(s, k, t, polyHash(t)) : set(s, k, n.v + t, polyHash(t, n.vh));
      }
      default:
        return undefined;
    }
  },
  equal(a, b) {
    for (;;) {
      if (a === b) return true;
      if (a === null || b === null || a.h !== b.h || a.k !== b.k || a.vh !== b.vh || a.v !== b.v) return false;
      a = a.next;
      b = b.next;
    }
  },
  hash: (s) => (s === null ? 0 : s.h),
  // Strings are shared between states until compared (then flattened): count them once each.
  stateBytes(s) {
    let n = 16;
    for (let x = s; x !== null; x = x.next) n += 56 + x.v.length;
    return n;
  },
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
  // Appends only extend a key's string: once it is not a prefix of what a get returned, only a
  // put of that key can make that get legal again.
  doomed(s, read) {
    if (read.status !== 'ok') return false;
    return !str((read.output as [unknown, unknown])[1]).startsWith(valueAt(s, keyOf(read)));
  },
  // Only a put of a prefix of what the get returned: after any other put the get stays doomed.
  resets: (op, read) =>
    (op.f === 'put' || op.f === 'write') &&
    keyOf(op) === keyOf(read) &&
    (read.status !== 'ok' || str((read.output as [unknown, unknown])[1]).startsWith(str((op.value as [unknown, unknown])[1]))),
  // After a get of k returned v, k holds v: a later get of k is doomed unless it extends v.
  readDooms: (earlier, later) =>
    keyOf(earlier) === keyOf(later) && !str((later.output as [unknown, unknown])[1]).startsWith(str((earlier.output as [unknown, unknown])[1])),
  symmetryKey: (op) => op.f + ' ' + canonicalJson(op.value),
  describeOp(op) {
    const [k, v] = op.value as [unknown, unknown];
    const crashed = op.status === 'info' ? ' (crashed)' : '';
    if (op.f === 'get' || op.f === 'read') return op.status === 'ok' ? `get ${show(k)} → ${show(str((op.output as [unknown, unknown])[1]))}` : `get ${show(k)} → ?`;
    return `${op.f} ${show(k)} ${show(v)}${crashed}`;
  },
  describeState(s) {
    const parts: string[] = [];
    for (let x = s; x !== null; x = x.next) parts.push(`${show(x.k)} ${show(x.v)}`);
    return '{' + parts.join(', ') + '}';
  },
};

// Multi-register model (Knossos's multi-register): named registers read and written together
// in transactions, `:f :txn` with values like [[:read :x nil] [:write :y 2]] (reads carry their
// values in the completion). Registers start nil unless `--opt init='{"x":0}'` says otherwise.
// Partitioned into groups of registers that no transaction links (linearizability is local:
// disjoint sets of objects can be checked apart).

import { canonicalJson, hashString, sameValue, show, type Model, type ModelOp, type Partition } from '../model.js';

type Micro = [string, unknown, unknown];
/** Register name → value, names sorted; never mutated (steps copy). */
type MultiState = Readonly<Record<string, unknown>>;

const READS = new Set(['read', 'r']);
const WRITES = new Set(['write', 'w']);

function micros(v: unknown): Micro[] {
  return Array.isArray(v) ? (v as Micro[]) : [];
}

const name = (k: unknown): string => (typeof k === 'string' ? k : canonicalJson(k));

function describeTxn(op: ModelOp): string {
  const src = op.status === 'ok' && Array.isArray(op.output) ? op.output : op.value;
  const body = micros(src)
    .map(([f, k, v]) => (READS.has(f) ? `r ${name(k)}${op.status === 'ok' ? ` → ${show(v)}` : ''}` : `w ${name(k)} ${show(v)}`))
    .join(', ');
  return `txn [${body}]${op.status === 'info' ? ' (crashed)' : ''}`;
}

export const multiRegisterModel: Model<MultiState> = {
  name: 'multi-register',
  description: 'registers read and written in transactions: txn [[read k v] [write k v] ...] (nil unless --opt init=JSON)',
  // Values are lists of micro-ops, never Jepsen's [key value] tuples (a two-op txn looks like one).
  keyed: true,
  init: () => ({}),
  initFrom(v) {
    if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error('multi-register init must be a map of register names to values');
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) if ((v as Record<string, unknown>)[k] !== null) out[k] = (v as Record<string, unknown>)[k];
    return out;
  },
  step(s, op) {
    const done = op.status === 'ok' && Array.isArray(op.output) ? micros(op.output) : micros(op.value);
    let next: Record<string, unknown> | undefined;
    for (const [f, k, v] of done) {
      const key = name(k);
      const cur = next ?? s;
      if (READS.has(f)) {
        // A crashed transaction's reads are unknown: only its writes matter.
        if (op.status === 'ok' && !sameValue(cur[key] ?? null, v)) return undefined;
      } else if (WRITES.has(f)) {
        next ??= { ...s };
        if (v === null || v === undefined) delete next[key];
        else next[key] = v;
      }
    }
    return next ?? s;
  },
  equal: (a, b) => a === b || canonicalJson(a) === canonicalJson(b),
  hash: (s) => hashString(canonicalJson(s)),
  validate(op) {
    if (op.f !== 'txn') return `the multi-register model has only 'txn' operations, not '${op.f}'`;
    const ms = op.value;
    if (!Array.isArray(ms) || !ms.every((m) => Array.isArray(m) && m.length === 3 && (READS.has(String(m[0])) || WRITES.has(String(m[0]))))) {
      return `a txn is a list of [read k v] / [write k v] micro-ops, got ${show(ms)}`;
    }
    return undefined;
  },
  readOnly: (op) => micros(op.value).every(([f]) => READS.has(f)),
  partition(ops) {
    // Union-find over register names: a txn links every register it touches.
    const parent = new Map<string, string>();
    const find = (x: string): string => {
      let r = x;
      while (parent.get(r) !== r) r = parent.get(r)!;
      for (let y = x; y !== r; ) {
        const n = parent.get(y)!;
        parent.set(y, r);
        y = n;
      }
      return r;
    };
    for (const op of ops) {
      const ks = micros(op.value).map(([, k]) => name(k));
      for (const k of ks) if (!parent.has(k)) parent.set(k, k);
      for (let i = 1; i < ks.length; i++) parent.set(find(ks[i]!), find(ks[0]!));
    }
    // Each group is named by its registers ("x+y"), which is how a verdict names the partition.
    const members = new Map<string, string[]>();
    for (const k of [...parent.keys()].sort()) {
      const r = find(k);
      (members.get(r) ?? members.set(r, []).get(r)!).push(k);
    }
    const groups = new Map<string, Partition>();
    for (const op of ops) {
      const first = micros(op.value)[0];
      const g = first ? find(name(first[1])) : '';
      let p = groups.get(g);
      if (!p) groups.set(g, (p = { key: (members.get(g) ?? []).join('+'), ops: [] }));
      p.ops.push(op);
    }
    return [...groups.values()];
  },
  stateBytes: (s) => 48 + 40 * Object.keys(s).length,
  describeOp: describeTxn,
  describeState: (s) => `{${Object.entries(s).map(([k, v]) => `${k} ${show(v)}`).join(', ')}}`,
};

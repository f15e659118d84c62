// Internal consistency (INT, after Cerone, Bernardi and Gotsman, as Elle checks it): within one
// committed transaction, a read of a key must agree with the transaction's own most recent read
// *or write* of that key. Only ok transactions are judged: a failed one's reads mean nothing and
// an info one's reads are unknown (its completion carries no values we can trust).
//
// list-append: after a read of L (and own appends a1..an since), a later read must be exactly
//   L ++ [a1..an]; after own appends without an earlier read, a later read must end with the own
//   appends made so far (in order). A read of nil is the empty list.
// rw-register: after a read of v or a write of v, the next read of the key must be v (nil too:
//   a read of nil followed by a read of 5 is a non-repeatable read).
// Each later read is compared with its immediate predecessor only, so one bad read is reported
// once, and a third read is judged against the second.

import type { InternalCase } from '../../src/protocols.js';
import { sameValue } from '../values.js';
import { AnomalySink, show, showList, txnOp } from './anomalies.js';
import { ident, OK, txnName, type MicroOp, type Txns, type WorkloadKind } from './txn.js';

/** What a transaction knows about one key so far. */
interface Known {
  /** The last read's value (a list for list-append), or undefined if the key was not read yet. */
  read?: unknown;
  /** Position of that read, or -1. */
  readAt: number;
  /** Own writes since that read (list-append: appended elements; rw-register: the last value). */
  writes: unknown[];
  writeAt: number[];
}

const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** Does `xs` hold the elements of `run` from position `at` on? */
function sameRun(xs: readonly unknown[], at: number, run: readonly unknown[]): boolean {
  for (let i = 0; i < run.length; i++) {
    const a = xs[at + i], b = run[i];
    if (a !== b && !sameValue(a, b)) return false;
  }
  return true;
}

/** The INT cases of one transaction's micro-ops (pure; exported for tests). */
export function internalCases(mops: readonly MicroOp[], kind: WorkloadKind): InternalCase[] {
  const out: InternalCase[] = [];
  const known = new Map<unknown, Known>();
  const writeF = kind === 'list-append' ? 'append' : 'w';
  for (let j = 0; j < mops.length; j++) {
    const [f, key, value] = mops[j]!;
    const k = ident(key);
    let s = known.get(k);
    if (f === writeF) {
      if (!s) known.set(k, (s = { readAt: -1, writes: [], writeAt: [] }));
      if (kind === 'list-append') {
        s.writes.push(value);
        s.writeAt.push(j);
      } else {
        // A register holds only its last write.
        s.writes = [value];
        s.writeAt = [j];
      }
      continue;
    }
    if (f !== 'r') continue;
    if (s) {
      const c = kind === 'list-append' ? judgeList(s, key, j, value) : judgeRegister(s, key, j, value);
      if (c) out.push(c);
    }
    known.set(k, { read: kind === 'list-append' ? asList(value) : value ?? null, readAt: j, writes: [], writeAt: [] });
  }
  return out;
}

function basisOf(s: Known): number[] {
  return s.readAt >= 0 ? [s.readAt, ...s.writeAt] : [...s.writeAt];
}

function judgeList(s: Known, key: unknown, j: number, value: unknown): InternalCase | undefined {
  const seen = asList(value);
  if (s.readAt >= 0) {
    const before = s.read as unknown[];
    if (seen.length === before.length + s.writes.length && sameRun(seen, 0, before) && sameRun(seen, before.length, s.writes)) return undefined;
    return { key, read: j, seen: value ?? null, expected: [...before, ...s.writes], basis: basisOf(s) };
  }
  const own = s.writes;
  if (seen.length >= own.length && sameRun(seen, seen.length - own.length, own)) return undefined;
  return { key, read: j, seen: value ?? null, expected: [...own], endsWith: true, basis: basisOf(s) };
}

function judgeRegister(s: Known, key: unknown, j: number, value: unknown): InternalCase | undefined {
  // The most recent of the last read and the last own write fixes the value.
  const expected = s.writes.length ? s.writes[0] : s.read;
  const basis = s.writes.length ? [...s.writeAt] : [s.readAt];
  return sameValue(expected ?? null, value ?? null) ? undefined : { key, read: j, seen: value ?? null, expected: expected ?? null, basis };
}

/** Positions as people count them. */
const at = (j: number): string => `micro-op ${j + 1}`;

/** One case in words: the transaction, the earlier read or write (and where), the later read, expected vs seen. */
export function describeInternal(name: string, mops: readonly MicroOp[], c: InternalCase, kind: WorkloadKind): string {
  const key = show(c.key);
  const fmt = (v: unknown): string => (v === null || v === undefined ? 'nil' : kind === 'list-append' ? showList(asList(v)) : show(v));
  const earlier = c.basis.map((p, i) => {
    const [f, , v] = mops[p]!;
    const of = i === 0 ? (f === 'r' ? ` key ${key}` : ` to key ${key}`) : '';
    if (f === 'r') return `read${of} as ${fmt(v)} at ${at(p)}`;
    return `${kind === 'list-append' ? 'appended' : 'wrote'} ${show(v)}${of} at ${at(p)}`;
  });
  const expected = c.endsWith ? `a list ending with ${showList(asList(c.expected))}` : fmt(c.expected);
  const nonRepeatable = c.basis.length === 1 && mops[c.basis[0]!]![0] === 'r' ? ' (a non-repeatable read)' : '';
  return `${name} ${joinAnd(earlier)}, then read it as ${fmt(c.seen)} at ${at(c.read)}${nonRepeatable}: expected ${expected}, saw ${fmt(c.seen)}`;
}

function joinAnd(xs: string[]): string {
  return xs.length <= 1 ? xs.join('') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`;
}

/** Does some key occur twice? (Cheap pre-filter: most transactions touch each key once.) */
function repeatsKey(mops: readonly MicroOp[]): boolean {
  const n = mops.length;
  if (n < 2) return false;
  if (n <= 8) {
    for (let i = 1; i < n; i++) {
      const a = mops[i]![1];
      for (let j = 0; j < i; j++) {
        const b = mops[j]![1];
        if (a === b) return true;
        // Same-typed strings or numbers differ when !==; only mixed or structured keys need ident.
        const ta = typeof a;
        if ((ta !== typeof b || ta === 'object' || ta === 'bigint') && ident(a) === ident(b)) return true;
      }
    }
    return false;
  }
  const seen = new Set<unknown>();
  for (const m of mops) {
    const k = ident(m[1]);
    if (seen.has(k)) return true;
    seen.add(k);
  }
  return false;
}

/** Report every INT case of the ok transactions. */
export function findInternal(t: Txns, kind: WorkloadKind, sink: AnomalySink): void {
  for (let x = 0; x < t.n; x++) {
    if (t.status[x] !== OK) continue;
    const mops = t.mops[x]!;
    if (!repeatsKey(mops)) continue;
    for (const c of internalCases(mops, kind)) {
      sink.add('internal', () => ({
        type: 'internal',
        ops: [txnOp(t, x)],
        internal: c,
        text: describeInternal(txnName(t, x), mops, c, kind),
      }));
    }
  }
}

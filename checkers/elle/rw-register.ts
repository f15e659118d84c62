// Read-write register analysis. Writes are unique per key, so a read names its writer (wr), but
// the version order must be inferred: nil precedes every write; within a committed txn a read of
// v1 followed by a write of v2 gives v1 < v2 (writes follow reads); optionally the order in which
// each process sees a key's versions (sequentialKeys) and real-time order (linearizableKeys).
// A cyclic version order is an anomaly; otherwise each inferred v1 < v2 gives ww (writer ->
// writer) and rw (readers of v1 -> writer of v2) edges.

import { badInput } from '../../src/errors.js';
import { AnomalySink, show, txnOp, type Analysis } from './anomalies.js';
import { EdgeBuf, RW, WR, WW } from './graph.js';
import { findInternal } from './internal.js';
import { FAIL, ident, INFO, KeyTable, OK, txnName, type Txns } from './txn.js';

export interface RegisterOptions {
  /** Each process observes every key's versions in order (Elle's sequential-keys). */
  sequentialKeys?: boolean;
  /** Versions of each key respect real time (Elle's linearizable-keys). */
  linearizableKeys?: boolean;
}

const NIL = Symbol('nil');
const INTERMEDIATE = 1;

interface KeyState {
  writers: Map<unknown, number>; // value id -> txn * 2 + intermediate
  readers: Map<unknown, number[]>; // value id (NIL for nil) -> ext readers
  values: Map<unknown, unknown>; // value id -> value
  /** version edges "a -> b" with the reason, keyed by a then b */
  succ: Map<unknown, Map<unknown, number>>;
}

export function analyzeRwRegister(t: Txns, sink: AnomalySink, opts: RegisterOptions): Analysis {
  findInternal(t, 'rw-register', sink);
  const keys = new KeyTable();
  const ks: KeyState[] = [];
  const state = (k: unknown): [number, KeyState] => {
    const id = keys.id(k);
    let s = ks[id];
    if (!s) ks[id] = s = { writers: new Map(), readers: new Map(), values: new Map(), succ: new Map() };
    return [id, s];
  };
  // Per txn: key id -> [ext read value id or undefined, final write value id or undefined]
  const version: Map<number, [unknown, unknown]>[] = new Array(t.n);

  for (let x = 0; x < t.n; x++) {
    const ms = t.mops[x]!;
    const mine = new Map<number, [unknown, unknown]>();
    version[x] = mine;
    for (let j = 0; j < ms.length; j++) {
      const m = ms[j]!;
      const [k, s] = state(m[1]);
      const cur = mine.get(k);
      if (m[0] === 'w') {
        const vid = ident(m[2]);
        const prev = s.writers.get(vid);
        if (prev !== undefined) {
          throw badInput(`value ${show(m[2])} is written to key ${show(m[1])} twice (also by history index ${t.index[prev >> 1]}); rw-register needs values unique per key`, `history index ${t.index[x]}`);
        }
        if (cur && cur[1] !== undefined) s.writers.set(cur[1], s.writers.get(cur[1])! | INTERMEDIATE);
        s.writers.set(vid, x * 2);
        s.values.set(vid, m[2]);
        mine.set(k, [cur ? cur[0] : undefined, vid]);
      } else if (t.status[x] === OK) {
        const vid = m[2] === null || m[2] === undefined ? NIL : ident(m[2]);
        // After its own write, a read is internal (a different value is an internal anomaly,
        // reported by findInternal): it observes nothing of other txns.
        if (cur && cur[1] !== undefined) continue;
        // An external read. Several of them may differ (a non-repeatable read): that is an
        // internal anomaly, and each read still observed a version, so each gets its edges.
        mine.set(k, [vid, undefined]);
        if (vid !== NIL && !s.values.has(vid)) s.values.set(vid, m[2]);
        for (let i = j + 1; i < ms.length; i++) {
          const p = ms[i]!;
          if (p[0] === 'w' && ident(p[1]) === ident(m[1]) && ident(p[2]) === vid) {
            sink.add('future-read', () => ({
              type: 'future-read', ops: [txnOp(t, x)],
              text: `${txnName(t, x)} read key ${show(m[1])} as ${show(m[2])}, a value it writes only later`,
            }));
          }
        }
        const rs = s.readers.get(vid);
        if (!rs) s.readers.set(vid, [x]);
        else if (rs[rs.length - 1] !== x) rs.push(x);
      }
    }
  }

  // Why a version precedes another, as a number (strings per edge would cost too much):
  // kind 0 = txn x read a and wrote b, 1 = x's process saw a then b, 2 = y completed before x began.
  const reasonCode = (kind: number, x: number, y = 0): number => kind + 3 * (x + t.n * y);
  const reason = (code: number): string => {
    const kind = code % 3, rest = Math.floor(code / 3), x = rest % t.n, y = Math.floor(rest / t.n);
    if (kind === 0) return `${txnName(t, x)} read it and then wrote`;
    if (kind === 1) return `process ${t.process[x]} saw them in this order`;
    return `${txnName(t, y)} completed before ${txnName(t, x)} began`;
  };
  const addVersionEdge = (s: KeyState, a: unknown, b: unknown, why: number): void => {
    if (a === b || a === undefined || b === undefined) return;
    let m = s.succ.get(a);
    if (!m) s.succ.set(a, (m = new Map()));
    if (!m.has(b)) m.set(b, why);
  };

  // Writes follow reads, and per-process order.
  const lastSeen = new Map<number | string, Map<number, unknown>>();
  for (let x = 0; x < t.n; x++) {
    if (t.status[x] === FAIL) continue;
    for (const [k, [r, w]] of version[x]!) {
      const s = ks[k]!;
      if (t.status[x] === OK && r !== undefined && r !== NIL && w !== undefined) addVersionEdge(s, r, w, reasonCode(0, x));
      if (opts.sequentialKeys && t.status[x] === OK) {
        let seen = lastSeen.get(t.process[x]!);
        if (!seen) lastSeen.set(t.process[x]!, (seen = new Map()));
        const v = w ?? r;
        const prev = seen.get(k);
        if (prev !== undefined && v !== undefined) addVersionEdge(s, prev, v, reasonCode(1, x));
        if (v !== undefined) seen.set(k, v);
      }
    }
  }
  if (opts.linearizableKeys) realtimeVersions(t, version, ks, (s, a, b, x, y) => addVersionEdge(s, a, b, reasonCode(2, x, y)));

  // Per key: check the version order is acyclic, then derive edges.
  const edges = new EdgeBuf();
  const committed = (x: number): boolean => t.status[x] !== FAIL;
  for (let k = 0; k < ks.length; k++) {
    const s = ks[k]!;
    const key = keys.keys[k];
    // G1a, G1b, garbage reads, wr edges.
    for (const [vid, rs] of s.readers) {
      if (vid === NIL) continue;
      const code = s.writers.get(vid);
      if (code === undefined) {
        sink.add('garbage-read', () => ({
          type: 'garbage-read', ops: [txnOp(t, rs[0]!)],
          text: `${txnName(t, rs[0]!)} read key ${show(key)} as ${show(s.values.get(vid))}, a value nobody wrote`,
        }));
        continue;
      }
      const wx = code >> 1;
      for (const r of rs) {
        if (r === wx) continue;
        if (t.status[wx] === FAIL) {
          sink.add('G1a', () => ({
            type: 'G1a', ops: [txnOp(t, r), txnOp(t, wx)],
            text: `${txnName(t, r)} read key ${show(key)} = ${show(s.values.get(vid))}, written by ${txnName(t, wx)}, a transaction that failed`,
          }));
          const rw = version[r]!.get(k);
          if (rw && rw[0] === vid && rw[1] !== undefined) {
            sink.add('dirty-update', () => ({
              type: 'dirty-update', ops: [txnOp(t, r), txnOp(t, wx)],
              text: `${txnName(t, r)} read key ${show(key)} = ${show(s.values.get(vid))} from the failed ${txnName(t, wx)} and then wrote the key`,
            }));
          }
          continue;
        }
        if (code & INTERMEDIATE) {
          sink.add('G1b', () => ({
            type: 'G1b', ops: [txnOp(t, r), txnOp(t, wx)],
            text: `${txnName(t, r)} read key ${show(key)} = ${show(s.values.get(vid))}, an intermediate write of ${txnName(t, wx)} (which wrote the key again afterwards)`,
          }));
        }
        edges.add(wx, r, WR);
      }
    }
    // Lost update: several committed txns read the same version and then wrote the key.
    for (const [vid, rs] of s.readers) {
      const writersAfter = rs.filter((r) => { const v = version[r]!.get(k)!; return v[0] === vid && v[1] !== undefined; });
      if (writersAfter.length < 2) continue;
      sink.add('lost-update', () => ({
        type: 'lost-update', ops: writersAfter.slice(0, 8).map((x) => txnOp(t, x)),
        text: `${writersAfter.map((x) => txnName(t, x)).join(', ')} all read key ${show(key)} = ${show(vid === NIL ? null : s.values.get(vid))} and then wrote it: all but one of those writes was lost`,
      }));
    }
    if (hasCycle(s.succ)) {
      sink.add('cyclic-versions', () => ({
        type: 'cyclic-versions', ops: [],
        text: `the inferred version order of key ${show(key)} is cyclic: ${describeSucc(s, reason)}`,
      }));
      continue;
    }
    // Final, non-failed versions only.
    const isVersion = (vid: unknown): number => {
      const c = s.writers.get(vid);
      return c === undefined || c & INTERMEDIATE || !committed(c >> 1) ? -1 : c >> 1;
    };
    const hasPred = new Set<unknown>();
    for (const [a, bs] of s.succ) {
      const wa = isVersion(a);
      for (const b of bs.keys()) {
        const wb = isVersion(b);
        if (wb < 0) continue;
        hasPred.add(b);
        if (wa >= 0) edges.add(wa, wb, WW);
        for (const r of s.readers.get(a) ?? []) edges.add(r, wb, RW);
      }
    }
    const nilReaders = s.readers.get(NIL);
    if (nilReaders) {
      for (const vid of s.writers.keys()) {
        const wv = isVersion(vid);
        if (wv < 0 || hasPred.has(vid)) continue;
        for (const r of nilReaders) edges.add(r, wv, RW);
      }
    }
  }

  const why = (s: KeyState, a: unknown, b: unknown): string | undefined => {
    const c = s.succ.get(a)?.get(b);
    return c === undefined ? undefined : reason(c);
  };
  return {
    keys,
    edges,
    explain(from, to, kind) {
      const A = txnName(t, from), B = txnName(t, to);
      for (const [k, [fr, fw]] of version[from]!) {
        const tv = version[to]!.get(k);
        if (!tv) continue;
        const [tr, tw] = tv;
        const s = ks[k]!, key = keys.keys[k];
        const val = (v: unknown): string => (v === NIL ? 'nil' : show(s.values.get(v)));
        if (kind === 'wr' && fw !== undefined && tr === fw) {
          return { key, value: s.values.get(fw), explanation: `${B} read key ${show(key)} = ${val(fw)}, which ${A} wrote` };
        }
        if (kind === 'ww' && fw !== undefined && tw !== undefined) {
          const w = why(s, fw, tw);
          if (w) return { key, value: s.values.get(tw), explanation: `${A} wrote key ${show(key)} = ${val(fw)} and ${B} wrote ${val(tw)}, a later version (${w})` };
        }
        if (kind === 'rw' && fr !== undefined && tw !== undefined) {
          const w = fr === NIL ? 'every write follows the initial nil' : why(s, fr, tw);
          if (w) return { key, value: s.values.get(tw), explanation: `${A} read key ${show(key)} = ${val(fr)} and ${B} wrote ${val(tw)}, a later version (${w})` };
        }
      }
      return { explanation: `${A} precedes ${B} (${kind})` };
    },
  };
}

/** Per key, real-time order of the versions of txns touching it (a transitive reduction). */
function realtimeVersions(
  t: Txns,
  version: Map<number, [unknown, unknown]>[],
  ks: KeyState[],
  add: (s: KeyState, a: unknown, b: unknown, x: number, y: number) => void,
): void {
  const frontier = new Map<number, number[]>();
  const preds: Map<number, number[]>[] = new Array(t.n);
  const ver = (x: number, k: number): unknown => {
    const v = version[x]!.get(k)!;
    return v[1] ?? (t.status[x] === OK ? v[0] : undefined);
  };
  for (let e = 0; e < t.events.length; e++) {
    const ev = t.events[e]!;
    const x = Math.abs(ev) - 1;
    if (t.status[x] === FAIL) continue;
    if (ev > 0) {
      const p = new Map<number, number[]>();
      for (const k of version[x]!.keys()) {
        const f = frontier.get(k) ?? [];
        p.set(k, f);
        const b = ver(x, k);
        for (const y of f) add(ks[k]!, ver(y, k), b, x, y);
      }
      preds[x] = p;
    } else if (t.status[x] === OK) {
      for (const [k, p] of preds[x]!) {
        const f = (frontier.get(k) ?? []).filter((y) => !p.includes(y));
        f.push(x);
        frontier.set(k, f);
      }
    }
  }
  void INFO;
}

function hasCycle(succ: Map<unknown, Map<unknown, number>>): boolean {
  const indeg = new Map<unknown, number>();
  for (const [a, bs] of succ) {
    if (!indeg.has(a)) indeg.set(a, 0);
    for (const b of bs.keys()) indeg.set(b, (indeg.get(b) ?? 0) + 1);
  }
  const q = [...indeg].filter(([, d]) => d === 0).map(([v]) => v);
  let seen = 0;
  while (q.length) {
    const v = q.pop();
    seen++;
    for (const b of succ.get(v)?.keys() ?? []) {
      const d = indeg.get(b)! - 1;
      indeg.set(b, d);
      if (d === 0) q.push(b);
    }
  }
  return seen < indeg.size;
}

function describeSucc(s: KeyState, reason: (code: number) => string): string {
  const parts: string[] = [];
  for (const [a, bs] of s.succ) for (const [b, why] of bs) {
    if (parts.length >= 6) break;
    parts.push(`${show(s.values.get(a))} < ${show(s.values.get(b))} (${reason(why)})`);
  }
  return parts.join('; ');
}

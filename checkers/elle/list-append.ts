// List-append analysis (Elle's richest inference). Every append writes a value unique per key,
// and every read returns the whole list, so each read is a prefix of the key's version order:
// the longest read gives that order, and each element names its writer. From it: ww edges
// between consecutive appenders, wr from the writer of a read's last element to the reader,
// rw from a reader to the writer of the element after its read. Non-cyclic anomalies found here:
// G1a (aborted read), G1b (intermediate read), dirty-update, lost-update, internal (internal.ts), future-read,
// incompatible-order, duplicate-elements, garbage-read (an element nobody appended).

import { badInput } from '../../src/errors.js';
import { AnomalySink, showList, show, txnOp, type Analysis } from './anomalies.js';
import { EdgeBuf, RW, WR, WW } from './graph.js';
import { findInternal } from './internal.js';
import { FAIL, ident, KeyTable, OK, txnName, type Txns } from './txn.js';

const INTERMEDIATE = 1;
const EMPTY: unknown[] = [];
const OBSERVED = 2;

function sameList(a: readonly unknown[], b: readonly unknown[], n: number): boolean {
  for (let i = 0; i < n; i++) {
    const x = a[i], y = b[i];
    if (x !== y && ident(x) !== ident(y)) return false;
  }
  return true;
}

export function analyzeListAppend(t: Txns, sink: AnomalySink): Analysis {
  findInternal(t, 'list-append', sink);
  const keys = new KeyTable();
  // Flat key ids of every micro-op.
  const mopOff = new Int32Array(t.n + 1);
  for (let x = 0; x < t.n; x++) mopOff[x + 1] = mopOff[x]! + t.mops[x]!.length;
  const mopKey = new Int32Array(mopOff[t.n]!);
  for (let x = 0; x < t.n; x++) {
    const ms = t.mops[x]!;
    for (let j = 0; j < ms.length; j++) mopKey[mopOff[x]! + j] = keys.id(ms[j]![1]);
  }
  const K = keys.size;

  // ---- writes: value -> writer txn * 4 + flags, per key
  const writers: Map<unknown, number>[] = new Array(K);
  for (let k = 0; k < K; k++) writers[k] = new Map();
  for (let x = 0; x < t.n; x++) {
    const ms = t.mops[x]!;
    const base = mopOff[x]!;
    for (let j = 0; j < ms.length; j++) {
      const m = ms[j]!;
      if (m[0] !== 'append') continue;
      const k = mopKey[base + j]!;
      const w = writers[k]!;
      const vid = ident(m[2]);
      const prev = w.get(vid);
      if (prev !== undefined) {
        throw badInput(`value ${show(m[2])} is appended to key ${show(m[1])} twice (also by history index ${t.index[Math.floor(prev / 4)]}); list-append needs values unique per key`, `history index ${t.index[x]}`);
      }
      // An earlier append by this txn to the same key becomes intermediate.
      for (let i = j - 1; i >= 0; i--) {
        if (ms[i]![0] === 'append' && mopKey[base + i] === k) {
          const pv = ident(ms[i]![2]);
          w.set(pv, w.get(pv)! | INTERMEDIATE);
          break;
        }
      }
      w.set(vid, x * 4);
    }
  }

  // ---- reads of committed txns: internal consistency, prefix order, the longest read per key
  const longest: unknown[][] = new Array(K).fill(null).map(() => []);
  const longestBy = new Int32Array(K).fill(-1);
  // Accepted reads (at most one per micro-op, so sized up front).
  const M = mopOff[t.n]!;
  const rTxn = new Int32Array(M), rKey = new Int32Array(M), rMop = new Int32Array(M);
  const rVals: unknown[][] = new Array(M);
  let nReads = 0;
  for (let x = 0; x < t.n; x++) {
    if (t.status[x] !== OK) continue;
    const ms = t.mops[x]!;
    const base = mopOff[x]!;
    for (let j = 0; j < ms.length; j++) {
      const m = ms[j]!;
      if (m[0] !== 'r') continue;
      const k = mopKey[base + j]!;
      const full = (m[2] ?? EMPTY) as unknown[];
      let vals = full;
      // Its own earlier appends to k: a read after them must end with them. As in Elle, the
      // whole read is a version of k (the txn's appends commit where it saw them), while only the
      // part before them is another txn's state it observed. A read that does not end with them
      // is an internal anomaly (reported by findInternal) and says nothing about other txns.
      let hasOwn = false;
      for (let i = 0; i < j; i++) if (mopKey[base + i] === k && ms[i]![0] === 'append') { hasOwn = true; break; }
      if (hasOwn) {
        const own: unknown[] = [];
        for (let i = 0; i < j; i++) if (mopKey[base + i] === k && ms[i]![0] === 'append') own.push(ms[i]![2]);
        const tail = vals.slice(Math.max(0, vals.length - own.length));
        if (vals.length < own.length || !sameList(tail, own, own.length)) continue;
        vals = vals.slice(0, vals.length - own.length);
      }
      // A future read: the txn sees a value it appends only later.
      for (let i = j + 1; i < ms.length && !hasOwn; i++) {
        const p = ms[i]!;
        if (p[0] === 'append' && mopKey[base + i] === k && vals.some((v) => v === p[2] || ident(v) === ident(p[2]))) {
          sink.add('future-read', () => ({
            type: 'future-read', ops: [txnOp(t, x)],
            text: `${txnName(t, x)} read key ${show(m[1])} as ${showList(vals)}, which already contains ${show(p[2])}, a value it appends only later`,
          }));
          break;
        }
      }
      // Prefix order against the longest read so far.
      const L = longest[k]!;
      const n = Math.min(L.length, full.length);
      if (!sameList(L, full, n)) {
        const other = longestBy[k]!;
        sink.add('incompatible-order', () => ({
          type: 'incompatible-order', ops: [txnOp(t, other), txnOp(t, x)],
          text: `key ${show(m[1])} was read as ${showList(L)} by ${txnName(t, other)} and as ${showList(full)} by ${txnName(t, x)}: neither is a prefix of the other, so no single order of appends explains both`,
        }));
        continue;
      }
      if (full.length > L.length) { longest[k] = full; longestBy[k] = x; }
      rTxn[nReads] = x; rKey[nReads] = k; rVals[nReads] = vals;
      rMop[nReads++] = hasOwn ? ms.length : j; // (no lost-update grouping after own appends)
    }
  }

  // ---- per key: the version order and its writers
  const order: Int32Array[] = new Array(K); // writer txn per position (-1 unknown)
  const firstAborted = new Int32Array(K).fill(-1);
  const unobserved: number[][] = new Array(K); // committed appenders never read
  const edges = new EdgeBuf();
  const broken = new Uint8Array(K);
  for (let k = 0; k < K; k++) {
    const L = longest[k]!;
    const w = writers[k]!;
    if (L.length > 1) {
      const seen = new Set<unknown>();
      for (const v of L) {
        const id = ident(v);
        if (seen.has(id)) {
          broken[k] = 1;
          const by = longestBy[k]!;
          sink.add('duplicate-elements', () => ({
            type: 'duplicate-elements', ops: [txnOp(t, by)],
            text: `${txnName(t, by)} read key ${show(keys.keys[k])} as ${showList(L)}, which contains ${show(v)} more than once`,
          }));
          break;
        }
        seen.add(id);
      }
    }
    const ord = new Int32Array(L.length);
    let prevCommitted = -1;
    let sawAborted = -1;
    for (let i = 0; i < L.length; i++) {
      const id = ident(L[i]);
      const code = w.get(id);
      if (code === undefined) {
        ord[i] = -1;
        const by = longestBy[k]!;
        sink.add('garbage-read', () => ({
          type: 'garbage-read', ops: [txnOp(t, by)],
          text: `${txnName(t, by)} read key ${show(keys.keys[k])} as ${showList(L)}, but no transaction appended ${show(L[i])} to it`,
        }));
        continue;
      }
      w.set(id, code | OBSERVED);
      const wx = Math.floor(code / 4);
      ord[i] = wx;
      if (t.status[wx] === FAIL) {
        if (firstAborted[k] === -1) firstAborted[k] = i;
        sawAborted = i;
        continue;
      }
      if (sawAborted >= 0) {
        const ab = ord[sawAborted]!, v = L[sawAborted], v2 = L[i];
        sink.add('dirty-update', () => ({
          type: 'dirty-update', ops: [txnOp(t, ab), txnOp(t, wx)],
          text: `key ${show(keys.keys[k])} holds ${show(v)}, appended by the failed ${txnName(t, ab)}, and after it ${show(v2)}, appended by ${txnName(t, wx)}: a committed write builds on an aborted one`,
        }));
        sawAborted = -1;
      }
      if (!broken[k] && prevCommitted >= 0 && prevCommitted !== wx) edges.add(prevCommitted, wx, WW);
      prevCommitted = wx;
    }
    order[k] = ord;
    const un: number[] = [];
    if (!broken[k]) {
      for (const code of w.values()) {
        const wx = Math.floor(code / 4);
        if (!(code & OBSERVED) && !(code & INTERMEDIATE) && t.status[wx] === OK) {
          un.push(wx);
          // It was appended after everything observed (lists only grow).
          if (prevCommitted >= 0 && prevCommitted !== wx) edges.add(prevCommitted, wx, WW);
        }
      }
    }
    unobserved[k] = un;
  }

  // ---- reads: G1a, G1b, wr and rw edges, lost updates
  const lost = new Map<number, number[]>();
  for (let r = 0; r < nReads; r++) {
    const x = rTxn[r]!, k = rKey[r]!, vals = rVals[r]!;
    const ord = order[k]!;
    const fa = firstAborted[k]!;
    if (fa >= 0 && vals.length > fa) {
      const ab = ord[fa]!;
      sink.add('G1a', () => ({
        type: 'G1a', ops: [txnOp(t, x), txnOp(t, ab)],
        text: `${txnName(t, x)} read key ${show(keys.keys[k])} as ${showList(vals)}, including ${show(longest[k]![fa])}, which was appended by ${txnName(t, ab)}, a transaction that failed`,
      }));
    }
    if (broken[k]) continue;
    const len = vals.length;
    if (len > 0) {
      const wx = ord[len - 1]!;
      if (wx >= 0 && wx !== x && t.status[wx] !== FAIL) {
        edges.add(wx, x, WR);
        const code = writers[k]!.get(ident(vals[len - 1]))!;
        if (code & INTERMEDIATE) {
          sink.add('G1b', () => ({
            type: 'G1b', ops: [txnOp(t, x), txnOp(t, wx)],
            text: `${txnName(t, x)} read key ${show(keys.keys[k])} as ${showList(vals)}, ending with ${show(vals[len - 1])}, an intermediate append of ${txnName(t, wx)} (which appended more to that key afterwards)`,
          }));
        }
      }
    }
    // rw: the next committed element after the read.
    // (Not to the txn that wrote the read's last element: that read was intermediate, a G1b.)
    const lastWriter = len > 0 ? ord[len - 1]! : -1;
    let i = len;
    while (i < ord.length && (ord[i]! < 0 || t.status[ord[i]!] === FAIL)) i++;
    if (i < ord.length) { if (ord[i] !== lastWriter) edges.add(x, ord[i]!, RW); }
    else for (const wx of unobserved[k]!) if (wx !== lastWriter) edges.add(x, wx, RW);
    // Lost update: this read is the txn's last look at k before it appended to k.
    const ms = t.mops[x]!;
    const base = mopOff[x]!;
    for (let j = rMop[r]! + 1; j < ms.length; j++) {
      if (mopKey[base + j] !== k) continue;
      if (ms[j]![0] === 'append') {
        const gk = k * 2097152 + len;
        const g = lost.get(gk);
        if (g) g.push(x); else lost.set(gk, [x]);
      }
      break;
    }
  }
  for (const [gk, xs] of lost) {
    if (xs.length < 2) continue;
    const k = Math.floor(gk / 2097152), len = gk % 2097152;
    sink.add('lost-update', () => ({
      type: 'lost-update', ops: xs.slice(0, 8).map((x) => txnOp(t, x)),
      text: `${xs.map((x) => txnName(t, x)).join(', ')} all read key ${show(keys.keys[k])} as ${showList(longest[k]!.slice(0, len))} and then appended to it: all but one of those appends was lost to the others`,
    }));
  }

  const appendOf = (x: number, k: number): unknown[] => {
    const out: unknown[] = [];
    const ms = t.mops[x]!;
    for (let j = 0; j < ms.length; j++) if (ms[j]![0] === 'append' && mopKey[mopOff[x]! + j] === k) out.push(ms[j]![2]);
    return out;
  };
  // A txn's reads of k, each without its own appends: the committed state it observed.
  const extReads = (x: number, k: number): unknown[][] => {
    const out: unknown[][] = [];
    const ms = t.mops[x]!;
    let own = 0;
    for (let j = 0; j < ms.length; j++) {
      if (mopKey[mopOff[x]! + j] !== k) continue;
      if (ms[j]![0] === 'append') own++;
      else {
        const r = (ms[j]![2] ?? []) as unknown[];
        out.push(r.slice(0, Math.max(0, r.length - own)));
      }
    }
    return out;
  };
  const keysOf = (x: number): number[] => [...new Set(Array.from(mopKey.subarray(mopOff[x]!, mopOff[x + 1]!)))];

  return {
    keys,
    edges,
    explain(from, to, kind) {
      const a = txnName(t, from), b = txnName(t, to);
      for (const k of keysOf(from)) {
        const ord = order[k]!, L = longest[k]!, key = keys.keys[k];
        if (kind === 'ww') {
          const bv = appendOf(to, k);
          if (!bv.length) continue;
          for (const v of appendOf(from, k)) {
            const i = L.findIndex((y) => ident(y) === ident(v));
            if (i < 0) continue;
            let n = i + 1;
            while (n < ord.length && (ord[n]! < 0 || t.status[ord[n]!] === FAIL)) n++;
            if (n < ord.length && ord[n] === to) {
              return { key, value: L[n], explanation: `${a} appended ${show(v)} to key ${show(key)} and ${b} appended ${show(L[n])} after it (key ${show(key)} was read as ${showList(L.slice(0, n + 1))})` };
            }
            if (n >= ord.length && unobserved[k]!.includes(to)) {
              return { key, value: bv[bv.length - 1], explanation: `${a} appended ${show(v)} to key ${show(key)}, the last element ever read (${showList(L)}), and ${b}'s append of ${show(bv[bv.length - 1])} was never read, so it came later` };
            }
          }
        } else if (kind === 'rw') {
          for (const r of extReads(from, k)) {
          let n = r.length;
          while (n < ord.length && (ord[n]! < 0 || t.status[ord[n]!] === FAIL)) n++;
          if (n < ord.length && ord[n] === to) {
            return { key, value: L[n], explanation: `${a} read key ${show(key)} as ${showList(r)}, and ${b} appended ${show(L[n])}, the next element (key ${show(key)} was read as ${showList(L.slice(0, n + 1))})` };
          }
          const bv = appendOf(to, k);
          if (n >= ord.length && bv.length && unobserved[k]!.includes(to)) {
            return { key, value: bv[bv.length - 1], explanation: `${a} read key ${show(key)} as ${showList(r)}, the longest value ever read, and ${b} appended ${show(bv[bv.length - 1])}, which nobody read, so it came later` };
          }
          }
        }
      }
      if (kind === 'wr') {
        for (const k of keysOf(to)) {
          for (const r of extReads(to, k)) {
            if (!r.length) continue;
            const ord = order[k]!;
            if (ord[r.length - 1] === from) {
              const key = keys.keys[k];
              return { key, value: r[r.length - 1], explanation: `${b} read key ${show(key)} as ${showList(r)}, which ends with ${a}'s append of ${show(r[r.length - 1])}` };
            }
          }
        }
      }
      return { explanation: `${a} precedes ${b} (${kind})` };
    },
  };
}

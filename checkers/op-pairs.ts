// Shared by the non-linearizability checkers: client ops paired into one record per operation
// (invocation + completion), with the outcome Jepsen's checkers reason about (ok / fail / info,
// where an op that never completed counts as info), plus small helpers for results.

import type { History, Op } from '../src/history.js';
import type { AnomalyRef } from '../src/protocols.js';
import { badArgument } from '../src/errors.js';
import { canonicalInt, showValue } from './values.js';

export interface OpRecord {
  invoke: Op;
  /** The completion, or undefined if the op never completed (treated like info). */
  complete?: Op;
  type: 'ok' | 'fail' | 'info';
  process: number;
  f: string;
  /** The completion's value when it has one, else the invocation's. */
  value: unknown;
  /** History index to point at: the completion's, or the invocation's if none. */
  index: number;
  callNs: number;
  /** Completion time, or null for an op that stayed open. */
  retNs: number | null;
}

/**
 * Pairs client ops (numeric processes) in history order, Jepsen's way: a completion completes
 * the last open invocation of its process. Nemesis ops and orphan completions are skipped.
 */
export function clientRecords(history: History): OpRecord[] {
  // Open ops by process: a flat array for small process ids (the usual case), a Map beyond.
  const openSmall: (OpRecord | undefined)[] = [];
  const openBig = new Map<number, OpRecord>();
  const open = {
    get: (p: number): OpRecord | undefined => (p >= 0 && p < 65536 && Number.isInteger(p) ? openSmall[p] : openBig.get(p)),
    set: (p: number, r: OpRecord): void => void (p >= 0 && p < 65536 && Number.isInteger(p) ? (openSmall[p] = r) : openBig.set(p, r)),
    delete: (p: number): void => void (p >= 0 && p < 65536 && Number.isInteger(p) ? (openSmall[p] = undefined) : openBig.delete(p)),
  };
  const out: OpRecord[] = [];
  for (const op of history) {
    if (typeof op.process !== 'number') continue;
    if (op.type === 'invoke') {
      const r: OpRecord = {
        invoke: op, type: 'info', process: op.process, f: op.f, value: op.value,
        index: op.index, callNs: op.time, retNs: null,
      };
      open.set(op.process, r);
      out.push(r);
      continue;
    }
    const r = open.get(op.process);
    if (!r) continue;
    open.delete(op.process);
    r.complete = op;
    r.type = op.type;
    if (op.value !== undefined && op.value !== null) r.value = op.value;
    else if (op.type === 'ok') r.value = op.value ?? null;
    r.index = op.index;
    r.retNs = op.time;
  }
  return out;
}

/** A stable key for a value (elements, ids, accounts): exact integers, structures as canonical JSON. */
export { valueKey, type ValueKey } from './values.js';

/** Short printable form of a value (nil for null, integers with all their digits). */
export function show(v: unknown, max = 80): string {
  return showValue(v, max);
}

/** Keep result JSON small: at most `n` anomalies, first (by history index) first. */
export function firstAnomalies(xs: AnomalyRef[], n = 50): AnomalyRef[] {
  return [...xs].sort((a, b) => a.index - b.index).slice(0, n);
}

/** Nearest-rank quantiles of a numeric sample (ns), plus count and max. */
export function quantiles(xs: number[] | Float64Array, qs: readonly number[] = [0.5, 0.95, 0.99]): Record<string, number> & { count: number } {
  const a = Float64Array.from(xs).sort();
  const out: Record<string, number> & { count: number } = { count: a.length };
  if (!a.length) return out;
  for (const q of qs) {
    const i = Math.min(a.length - 1, Math.max(0, Math.ceil(q * a.length) - 1));
    out[`p${Math.round(q * 1000) / 10}`.replace('.', '_')] = a[i]!;
  }
  out.max = a[a.length - 1]!;
  out.min = a[0]!;
  return out;
}

// Checker options arrive typed from workloads but as strings from `--opt key=value`.

/** A boolean option: true/false, or the strings "true"/"false"/"1"/"0"/"yes"/"no". */
export function optBool(v: unknown, where = '--opt'): boolean | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'boolean') return v;
  const s = String(v).toLowerCase();
  if (['true', '1', 'yes'].includes(s)) return true;
  if (['false', '0', 'no'].includes(s)) return false;
  throw badArgument(`expected true or false, got ${showValue(v, 80)}`, where);
}

/** A numeric option: a number or a numeric string. */
export function optNum(v: unknown): number | undefined {
  if (v === undefined || v === null) return undefined;
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isFinite(n)) throw badArgument(`expected a number, got ${showValue(v, 80)}`, '--opt');
  return n;
}

/** A numeric option kept exact: an integer beyond 2^53 (as a bigint or a digit string) stays a bigint. */
export function optExactNum(v: unknown): number | bigint | undefined {
  if (typeof v === 'bigint') return canonicalInt(v);
  if (typeof v === 'string' && /^-?\d+$/.test(v.trim())) return canonicalInt(BigInt(v.trim()));
  return optNum(v);
}

/**
 * A value option (`--opt init=...`): JSON, or a bare word taken as a string. An integer literal
 * beyond 2^53 stays exact (bigint); inside a JSON structure such an integer would be rounded by
 * JSON.parse, so it is refused rather than silently changed.
 */
export function optJsonValue(v: unknown, where = '--opt'): unknown {
  if (typeof v !== 'string') return v;
  const t = v.trim();
  if (/^-?(0|[1-9]\d*)$/.test(t)) return canonicalInt(BigInt(t));
  let parsed: unknown;
  try {
    parsed = JSON.parse(t);
  } catch {
    return v;
  }
  const rounded = (x: unknown): boolean =>
    typeof x === 'number' ? Number.isInteger(x) && !Number.isSafeInteger(x) : Array.isArray(x) ? x.some(rounded) : !!x && typeof x === 'object' && Object.values(x).some(rounded);
  if (rounded(parsed)) throw badArgument(`an integer beyond 2^53 inside a JSON value would lose digits; give it alone, or write it as a string: ${showValue(v, 80)}`, where);
  return parsed;
}

/** A list option: an array, or a comma-separated string. */
export function optList(v: unknown): unknown[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (Array.isArray(v)) return v;
  return String(v).split(',').map((s) => s.trim()).filter(Boolean);
}

/** A string option. */
export function optStr(v: unknown): string | undefined {
  return v === undefined || v === null ? undefined : String(v);
}

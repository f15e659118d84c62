// Turns a register / cas-register / key-value history into the compact form the
// sequential-consistency search works on: per-op kind, interned key and values, and whether the
// op must take effect (ok) or may take effect or not (crashed: info or never completed).

import type { History } from '../../src/history.js';
import { badInput } from '../../src/errors.js';
import { clientRecords, type OpRecord } from '../op-pairs.js';
import { canonicalJson, showValue } from '../values.js';

export const READ = 0;
export const WRITE = 1;
export const CAS = 2;
export type ScKind = typeof READ | typeof WRITE | typeof CAS;

export interface ScOp {
  /** Position in ScProblem.ops. */
  id: number;
  process: number;
  kind: ScKind;
  key: number;
  /** Read: the value read. Write: the value written. Cas: the expected value. (Interned.) */
  a: number;
  /** Cas: the new value. */
  b: number;
  /** ok ops must take effect; crashed ones may or may not. */
  required: boolean;
  rec: OpRecord;
}

export interface ScProblem {
  model: string;
  keyed: boolean;
  keys: unknown[];
  values: unknown[];
  /** Interned initial value (the same for every key). */
  init: number;
  ops: ScOp[];
}

export interface ProblemOptions {
  model?: string;
  /** Force (true) or forbid (false) reading values as [key, value] tuples; default: detect. */
  keyed?: boolean;
  /** The registers' initial value (Jepsen: nil). */
  init?: unknown;
}

const F_KIND: Record<string, ScKind> = { read: READ, r: READ, get: READ, write: WRITE, w: WRITE, put: WRITE, cas: CAS };

function isPair(v: unknown): v is [unknown, unknown] {
  return Array.isArray(v) && v.length === 2;
}

/** Independent keys are Jepsen tuples [k, v]: detect them from reads and writes (cas [from,to] is ambiguous). */
function detectKeyed(recs: OpRecord[]): boolean {
  let rw = 0;
  let cas = 0;
  for (const r of recs) {
    const k = F_KIND[r.f];
    if (k === undefined) continue;
    if (k === CAS) {
      if (!isPair(r.invoke.value) || !isPair(r.invoke.value[1])) return false;
      cas++;
    } else {
      if (!isPair(r.invoke.value)) return false;
      rw++;
    }
  }
  return rw + cas > 0;
}

export function buildProblem(history: History, opts: ProblemOptions = {}): ScProblem {
  const model = opts.model ?? 'cas-register';
  if (!['register', 'cas-register', 'kv'].includes(model)) {
    throw badInput(`the sequential checker knows the models register, cas-register and kv, not '${model}'`, '--model');
  }
  const recs = clientRecords(history);
  const keyed = opts.keyed ?? (model === 'kv' ? true : detectKeyed(recs));
  const keyIds = new Map<string, number>();
  const keys: unknown[] = [];
  const valIds = new Map<string, number>();
  const values: unknown[] = [];
  const intern = (v: unknown): number => {
    const s = canonicalJson(v);
    let id = valIds.get(s);
    if (id === undefined) {
      id = values.length;
      valIds.set(s, id);
      values.push(v === undefined ? null : v);
    }
    return id;
  };
  const internKey = (k: unknown): number => {
    const s = canonicalJson(k);
    let id = keyIds.get(s);
    if (id === undefined) {
      id = keys.length;
      keyIds.set(s, id);
      keys.push(k);
    }
    return id;
  };
  const init = intern(opts.init ?? null);
  if (!keyed) internKey(null);
  const ops: ScOp[] = [];
  for (const r of recs) {
    if (r.type === 'fail') continue; // a failed op surely did not take effect
    const kind = F_KIND[r.f];
    if (kind === undefined) {
      throw badInput(`op f=${r.f} is not a register op (read, write, cas)`, `history index ${r.invoke.index}`);
    }
    if (kind === CAS && model === 'register') {
      throw badInput('cas op in a history checked with model register (use cas-register)', `history index ${r.invoke.index}`);
    }
    // A crashed read constrains nothing: its value is unknown and reads do not change state.
    if (kind === READ && r.type !== 'ok') continue;
    let key = 0;
    let payload: unknown;
    if (keyed) {
      const src = kind === READ ? r.complete?.value : r.invoke.value;
      if (!isPair(src)) throw badInput(`expected a [key, value] tuple, got ${showValue(src, 80)}`, `history index ${(kind === READ ? r.complete : r.invoke)?.index}`);
      key = internKey(src[0]);
      payload = src[1];
    } else {
      payload = kind === READ ? r.complete?.value : r.invoke.value;
    }
    let a: number;
    let b = -1;
    if (kind === CAS) {
      if (!isPair(payload)) throw badInput(`cas expects [from, to], got ${showValue(payload, 80)}`, `history index ${r.invoke.index}`);
      a = intern(payload[0]);
      b = intern(payload[1]);
    } else {
      a = intern(payload);
    }
    ops.push({ id: ops.length, process: r.process, kind, key, a, b, required: r.type === 'ok', rec: r });
  }
  return { model, keyed, keys, values, init, ops };
}

/** How the witness prints an op: "write 3", "read → 3", "cas 1→4" (with the key if keyed). */
export function describeOp(p: ScProblem, op: ScOp): string {
  const v = (i: number): string => showValue(p.values[i]);
  const k = p.keyed ? `${showValue(p.keys[op.key])} ` : '';
  const crashed = op.required ? '' : ' (crashed)';
  if (op.kind === READ) return `read ${k}→ ${v(op.a)}`;
  if (op.kind === WRITE) return `write ${k}${v(op.a)}${crashed}`;
  return `cas ${k}${v(op.a)}→${v(op.b)}${crashed}`;
}

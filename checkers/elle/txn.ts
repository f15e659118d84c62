// Transactions extracted from a history for the Elle-style checkers: one record per txn
// invocation, in invocation order, in flat typed arrays so that a million txns stay cheap.
// Malformed micro-ops are user errors (BAD_INPUT naming the history index), never crashes.

import { checkpoint } from '../../src/budget.js';
import { badInput } from '../../src/errors.js';
import type { History, ProcessId } from '../../src/history.js';
import { showValue, valueKey } from '../values.js';

export const OK = 0;
export const INFO = 1;
export const FAIL = 2;
export type TxnStatus = typeof OK | typeof INFO | typeof FAIL;

/** A micro-op as it appears in histories: ['append', k, v], ['r', k, v], ['w', k, v]. */
export type MicroOp = [string, unknown, unknown];

export interface Txns {
  n: number;
  status: Uint8Array;
  /** History index naming the txn: its completion, or its invocation if it never completed. */
  index: Int32Array;
  invokeIndex: Int32Array;
  process: ProcessId[];
  /** Micro-ops as best known: the completion's for ok, the invocation's otherwise. */
  mops: MicroOp[][];
  /**
   * History-order events: t+1 for the invocation of txn t, -(t+1) for its completion
   * (only ok/info/fail completions; a txn that never completes has no completion event).
   */
  events: Int32Array;
}

export type WorkloadKind = 'list-append' | 'rw-register';

/** Collect the `f: txn` client ops (other fs and the nemesis are ignored), validating micro-ops. */
export function collectTxns(history: History, kind: WorkloadKind): Txns {
  const open = new Map<ProcessId, number>();
  const status: number[] = [];
  const index: number[] = [];
  const invokeIndex: number[] = [];
  const process: ProcessId[] = [];
  const mops: MicroOp[][] = [];
  const events: number[] = [];
  for (let i = 0; i < history.length; i++) {
    if ((i & 4095) === 4095) checkpoint('collecting transactions');
    const op = history[i]!;
    if (op.process === 'nemesis' || op.f !== 'txn') continue;
    if (op.type === 'invoke') {
      const t = status.length;
      status.push(INFO);
      index.push(op.index);
      invokeIndex.push(op.index);
      process.push(op.process);
      mops.push(checkMops(op.value, kind, op.index, false));
      open.set(op.process, t);
      events.push(t + 1);
    } else {
      const t = open.get(op.process);
      if (t === undefined) continue; // the history reader already rejects orphans; be lenient here
      open.delete(op.process);
      index[t] = op.index;
      events.push(-(t + 1));
      if (op.type === 'ok') {
        status[t] = OK;
        mops[t] = checkMops(op.value, kind, op.index, true);
      } else if (op.type === 'fail') {
        status[t] = FAIL;
      }
    }
  }
  if (status.length === 0 && history.some((op) => op.process !== 'nemesis')) {
    const fs = [...new Set(history.filter((op) => op.process !== 'nemesis').map((op) => op.f))].slice(0, 5);
    throw badInput(`no transactions (f txn) in the history, only ${fs.join(', ')}; ${kind} expects ops like {f: 'txn', value: [[${kind === 'list-append' ? "'append', k, v" : "'w', k, v"}], ['r', k, null]]}`, 'history');
  }
  return {
    n: status.length,
    status: Uint8Array.from(status),
    index: Int32Array.from(index),
    invokeIndex: Int32Array.from(invokeIndex),
    process,
    mops,
    events: Int32Array.from(events),
  };
}

function checkMops(value: unknown, kind: WorkloadKind, idx: number, completed: boolean): MicroOp[] {
  const where = `history index ${idx}`;
  if (!Array.isArray(value)) throw badInput(`txn value must be a list of micro-ops, got ${short(value)}`, where);
  for (let j = 0; j < value.length; j++) {
    const m = value[j] as unknown;
    if (!Array.isArray(m) || m.length !== 3 || typeof m[0] !== 'string') {
      throw badInput(`micro-op ${j} must be [f, key, value], got ${short(m)}`, where);
    }
    const f = m[0];
    if (m[1] === null || m[1] === undefined) throw badInput(`micro-op ${j} (${f}) has no key`, where);
    if (kind === 'list-append') {
      if (f === 'append') {
        if (m[2] === null || m[2] === undefined) throw badInput(`micro-op ${j} appends no value to key ${short(m[1])}`, where);
      } else if (f === 'r') {
        if (completed && m[2] !== null && !Array.isArray(m[2])) {
          throw badInput(`micro-op ${j} reads key ${short(m[1])} as ${short(m[2])}, which is not a list`, where);
        }
      } else {
        throw badInput(`micro-op ${j} has f ${short(f)}; list-append expects append or r`, where);
      }
    } else {
      if (f === 'w') {
        if (m[2] === null || m[2] === undefined) throw badInput(`micro-op ${j} writes no value to key ${short(m[1])}`, where);
      } else if (f !== 'r') {
        throw badInput(`micro-op ${j} has f ${short(f)}; rw-register expects w or r`, where);
      }
    }
  }
  return value as MicroOp[];
}

export function short(v: unknown): string {
  return showValue(v, 80);
}

/**
 * A Map-safe identity for keys and values (element identity): exact integers, so two distinct
 * 64-bit ids are never merged; strings and structures cannot collide with each other.
 */
export function ident(v: unknown): unknown {
  return valueKey(v);
}

/** Interns keys to dense integer ids. */
export class KeyTable {
  private ids = new Map<unknown, number>();
  readonly keys: unknown[] = [];
  id(k: unknown): number {
    const i = ident(k);
    let id = this.ids.get(i);
    if (id === undefined) {
      id = this.keys.length;
      this.ids.set(i, id);
      this.keys.push(k);
    }
    return id;
  }
  get size(): number {
    return this.keys.length;
  }
}

/** "T123" names a txn by its history index; process for context. */
export function txnName(t: Txns, x: number): string {
  return `T${t.index[x]}`;
}

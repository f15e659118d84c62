// Shared by the set checkers: adds and reads of a set history, elements interned to dense ids.

import type { History } from '../../src/history.js';
import { badInput } from '../../src/errors.js';
import { showValue } from '../values.js';
import { clientRecords, valueKey, type OpRecord, type ValueKey } from '../op-pairs.js';

export interface SetHistory {
  /** Element values by id. */
  elements: unknown[];
  /** The first add record per element id (undefined: never attempted). */
  adds: (OpRecord | undefined)[];
  /** ok reads in invocation order, each with its element ids. */
  reads: { rec: OpRecord; ids: Int32Array; final: boolean }[];
  idOf: Map<ValueKey, number>;
}

/** Keep the most definite add of an element: ok over info over fail. */
function addRank(x: OpRecord | undefined): number {
  return x ? (x.type === 'ok' ? 3 : x.type === 'info' ? 2 : 1) : 0;
}

/** Maelstrom's broadcast workload adds with `broadcast`: the default when a history has no `add`. */
function defaultAddF(history: History): string {
  let broadcast = false;
  for (const op of history) {
    if (op.f === 'add') return 'add';
    if (op.f === 'broadcast') broadcast = true;
  }
  return broadcast ? 'broadcast' : 'add';
}

export function readSetHistory(history: History, addFOpt?: string, readF = 'read'): SetHistory {
  const addF = addFOpt ?? defaultAddF(history);
  const idOf = new Map<ValueKey, number>();
  const elements: unknown[] = [];
  const adds: (OpRecord | undefined)[] = [];
  // Integer elements (the common case) are looked up in a flat table, others in a Map.
  let intIds = new Int32Array(1024).fill(-1);
  const INT_LIMIT = 1 << 26;
  const intern = (v: unknown): number => {
    if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < INT_LIMIT) {
      if (v >= intIds.length) {
        const bigger = new Int32Array(Math.min(INT_LIMIT, Math.max(v + 1, intIds.length * 2))).fill(-1);
        bigger.set(intIds);
        intIds = bigger;
      }
      const have = intIds[v]!;
      if (have >= 0) return have;
      const id = elements.length;
      intIds[v] = id;
      idOf.set(v, id);
      elements.push(v);
      adds.push(undefined);
      return id;
    }
    const k = valueKey(v);
    let id = idOf.get(k);
    if (id === undefined) {
      id = elements.length;
      idOf.set(k, id);
      elements.push(v);
      adds.push(undefined);
    }
    return id;
  };
  const reads: SetHistory['reads'] = [];
  for (const r of clientRecords(history)) {
    if (r.f === addF) {
      const id = intern(r.invoke.value);
      const prev = adds[id];
      if (addRank(r) > addRank(prev)) adds[id] = r;
    } else if (r.f === readF && r.type === 'ok') {
      const v = r.complete?.value;
      if (v === null || v === undefined) continue;
      if (!Array.isArray(v)) throw badInput(`a set read must return an array of elements, got ${showValue(v, 80)}`, `history index ${r.index}`);
      const ids = new Int32Array(v.length);
      for (let i = 0; i < v.length; i++) {
        const x = v[i];
        // Inline fast path for integers already seen; intern() handles the rest.
        const id = typeof x === 'number' && x >= 0 && x < intIds.length ? intIds[x]! : -1;
        ids[i] = id >= 0 && Number.isInteger(x) ? id : intern(x);
      }
      reads.push({ rec: r, ids, final: r.invoke.final === true || r.complete?.final === true });
    }
  }
  return { elements, adds, reads, idOf };
}

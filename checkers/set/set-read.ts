// Shared by the set checkers: adds and reads of a set history, elements interned to dense ids.

import type { History } from '../../src/history.js';
import { badInput } from '../../src/errors.js';
import { clientRecords, valueKey, type OpRecord } from '../op-pairs.js';

export interface SetHistory {
  /** Element values by id. */
  elements: unknown[];
  /** The first add record per element id (undefined: never attempted). */
  adds: (OpRecord | undefined)[];
  /** ok reads in invocation order, each with its element ids. */
  reads: { rec: OpRecord; ids: Int32Array; final: boolean }[];
  idOf: Map<string | number, number>;
}

export function readSetHistory(history: History, addF = 'add', readF = 'read'): SetHistory {
  const idOf = new Map<string | number, number>();
  const elements: unknown[] = [];
  const adds: (OpRecord | undefined)[] = [];
  const intern = (v: unknown): number => {
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
      // Keep the most definite add: ok over info over fail.
      const rank = (x: OpRecord | undefined): number => (x ? (x.type === 'ok' ? 3 : x.type === 'info' ? 2 : 1) : 0);
      if (rank(r) > rank(prev)) adds[id] = r;
    } else if (r.f === readF && r.type === 'ok') {
      const v = r.complete?.value;
      if (v === null || v === undefined) continue;
      if (!Array.isArray(v)) throw badInput(`a set read must return an array of elements, got ${JSON.stringify(v).slice(0, 80)}`, `history index ${r.index}`);
      const ids = new Int32Array(v.length);
      for (let i = 0; i < v.length; i++) ids[i] = intern(v[i]);
      reads.push({ rec: r, ids, final: r.invoke.final === true || r.complete?.final === true });
    }
  }
  return { elements, adds, reads, idOf };
}

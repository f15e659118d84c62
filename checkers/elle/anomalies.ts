// Collects anomalies as they are found: a few explained examples per type, a count per type,
// and one pointer per example for the report's "jump to the anomaly".

import type { AnomalyRef, TxnAnomaly } from '../../src/protocols.js';
import type { EdgeBuf } from './graph.js';
import { short, type KeyTable, type Txns } from './txn.js';

export class AnomalySink {
  readonly byType: Record<string, TxnAnomaly[]> = {};
  readonly counts: Record<string, number> = {};
  readonly refs: AnomalyRef[] = [];
  constructor(private readonly cap: number) {}

  /** Count one anomaly; `make` builds its explanation only when it will be kept. */
  add(type: string, make: () => TxnAnomaly): void {
    const c = (this.counts[type] = (this.counts[type] ?? 0) + 1);
    if (c > this.cap) return;
    const a = make();
    (this.byType[type] ??= []).push(a);
    const first = a.ops[0];
    if (first) this.refs.push({ index: first.index, message: `${type}: ${a.text.split('\n')[0]}` });
  }
}

/** A transaction as it appears in an anomaly. */
export function txnOp(t: Txns, x: number): { index: number; process: number | string; value: unknown } {
  return { index: t.index[x]!, process: t.process[x]!, value: t.mops[x] };
}

/** What a workload analysis hands to the driver. */
export interface Analysis {
  keys: KeyTable;
  edges: EdgeBuf;
  /** Why `from` precedes `to` by a data dependency of this kind (ww, wr, rw). */
  explain(from: number, to: number, kind: 'ww' | 'wr' | 'rw'): { key?: unknown; value?: unknown; explanation: string };
}

/** A list as a person reads it: long lists keep their last elements. */
export function showList(xs: readonly unknown[]): string {
  if (xs.length <= 6) return `[${xs.map(show).join(' ')}]`;
  return `[… ${xs.slice(-4).map(show).join(' ')}]`;
}

export function show(v: unknown): string {
  return short(v);
}

// Fenced writes of the lock workload: each `write` carries the writer's fencing token (the
// completion value `{ token }`). The guarded store must behave like a register that only moves
// forward: an accepted write whose token is lower than that of a write accepted before it began
// (real time) is a stale holder's write getting through. Refused writes (`fail` with an error
// starting "fenced") are stale holders caught by the fence.

import type { AnomalyRef } from '../../src/protocols.js';
import type { OpRecord } from '../op-pairs.js';

export interface FencedWrite {
  process: number;
  index: number;
  token: number;
  /** Seconds since the test's start (the write's completion). */
  atS: number;
  /** The higher token the store held (refused writes). */
  stored?: number;
}

export interface FencingReport {
  accepted: number;
  caught: FencedWrite[];
  staleAccepted: FencedWrite[];
  anomalies: AnomalyRef[];
  summary: string;
}

const tokenOf = (v: unknown, k = 'token'): number | undefined => {
  const x = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
  return typeof x === 'number' ? x : undefined;
};

/** Undefined when the history has no fenced writes. */
export function checkFencing(records: readonly OpRecord[]): FencingReport | undefined {
  const writes = records.filter((r) => r.f === 'write' && r.complete && tokenOf(r.complete.value) !== undefined);
  if (writes.length === 0) return undefined;
  const at = (r: OpRecord): FencedWrite => ({ process: r.process, index: r.index, token: tokenOf(r.complete!.value)!, atS: Math.round(r.complete!.time / 1e6) / 1e3, ...(tokenOf(r.complete!.value, 'stored') !== undefined ? { stored: tokenOf(r.complete!.value, 'stored') } : {}) });
  const caught = writes.filter((r) => r.type === 'fail' && /^fenced/.test(String(r.complete!.error ?? ''))).map(at);
  const ok = writes.filter((r) => r.type === 'ok').sort((a, b) => a.callNs - b.callNs);
  // Sweep by invocation: the highest token among writes that completed before this one began.
  const byRet = [...ok].sort((a, b) => a.retNs! - b.retNs!);
  const staleAccepted: FencedWrite[] = [];
  const anomalies: AnomalyRef[] = [];
  let j = 0;
  let best: OpRecord | undefined;
  for (const w of ok) {
    while (j < byRet.length && byRet[j]!.retNs! < w.callNs) {
      const c = byRet[j++]!;
      if (!best || tokenOf(c.complete!.value)! > tokenOf(best.complete!.value)!) best = c;
    }
    const t = tokenOf(w.complete!.value)!;
    if (best && tokenOf(best.complete!.value)! > t) {
      staleAccepted.push(at(w));
      anomalies.push({ index: w.index, message: `fenced write with token ${t} by process ${w.process} was accepted after the write with token ${tokenOf(best.complete!.value)} (index ${best.index}) had been` });
    }
  }
  return {
    accepted: ok.length,
    caught,
    staleAccepted,
    anomalies,
    summary: `fenced writes: ${ok.length} accepted, ${caught.length} stale holders caught by the fence, ${staleAccepted.length} stale accepted`,
  };
}

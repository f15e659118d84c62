// Session and real-time edges between transactions. Process order links each committed txn of a
// process to that process's next txn. Real-time order (a completed before b was invoked) is added
// as a transitive reduction: a frontier of completed txns not yet followed by a completed
// successor; each invocation gets edges from the frontier only, so the edge count is about
// n × concurrency, never n².

import { PROC, RT, type EdgeBuf } from './graph.js';
import { FAIL, OK, type Txns } from './txn.js';

export function addProcessEdges(t: Txns, b: EdgeBuf): void {
  const last = new Map<number | string, number>();
  for (let x = 0; x < t.n; x++) {
    if (t.status[x] === FAIL) continue;
    const p = t.process[x]!;
    const prev = last.get(p);
    if (prev !== undefined) b.add(prev, x, PROC);
    if (t.status[x] === OK) last.set(p, x);
  }
}

export function addRealtimeEdges(t: Txns, b: EdgeBuf): void {
  let frontier: number[] = [];
  const preds: (number[] | undefined)[] = new Array(t.n);
  const mark = new Int32Array(t.n).fill(-1);
  for (let e = 0; e < t.events.length; e++) {
    const ev = t.events[e]!;
    const x = Math.abs(ev) - 1;
    if (t.status[x] === FAIL) continue;
    if (ev > 0) {
      preds[x] = frontier; // frontier arrays are never mutated, so sharing is safe
      for (const y of frontier) b.add(y, x, RT);
    } else if (t.status[x] === OK) {
      const p = preds[x]!;
      for (const y of p) mark[y] = x;
      const next: number[] = [];
      for (const y of frontier) if (mark[y] !== x) next.push(y);
      next.push(x);
      frontier = next;
      preds[x] = undefined;
    }
  }
}

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
  // The frontier in the order its members completed (joined). A completion of x removes what was
  // in the frontier when x was invoked: exactly the members that joined before that invocation,
  // a prefix of this order. So the frontier is a queue, and nothing is allocated per event.
  const queue = new Int32Array(t.n);
  const joined = new Int32Array(t.n);
  const invoked = new Int32Array(t.n);
  let head = 0;
  let tail = 0;
  for (let e = 0; e < t.events.length; e++) {
    const ev = t.events[e]!;
    const x = Math.abs(ev) - 1;
    if (t.status[x] === FAIL) continue;
    if (ev > 0) {
      invoked[x] = e;
      for (let q = head; q < tail; q++) b.add(queue[q]!, x, RT);
    } else if (t.status[x] === OK) {
      while (head < tail && joined[queue[head]!]! < invoked[x]!) head++;
      queue[tail++] = x;
      joined[x] = e;
    }
  }
}

// The history: Jepsen's op model. Every invocation and completion of a client or the
// nemesis, in the order the controller saw them. Times are nanoseconds since test start.

import { checkpoint } from './budget.js';

export type OpType = 'invoke' | 'ok' | 'fail' | 'info';
export const OP_TYPES: readonly OpType[] = ['invoke', 'ok', 'fail', 'info'];

/** A process is a logical client (integer) or the nemesis. A crashed client gets a new id. */
export type ProcessId = number | 'nemesis';

export interface Op {
  /** Position in the history, 0-based, dense. */
  index: number;
  /** Nanoseconds since the start of the test. */
  time: number;
  type: OpType;
  process: ProcessId;
  /** The function: read, write, cas, add, txn, start-partition, ... */
  f: string;
  value: unknown;
  /** The node the client was bound to, where known. */
  node?: string;
  /** Why an op failed or crashed: a Maelstrom error code, a message. */
  error?: unknown;
  /** Any other field read from a foreign history (kept, never interpreted). */
  [extra: string]: unknown;
}

export type History = Op[];

/** An op's invocation paired with its completion. `complete` is undefined when the op never completed. */
export interface OpPair {
  invoke: Op;
  complete?: Op;
}

export function isClientOp(op: Op): boolean {
  return typeof op.process === 'number';
}

/**
 * Pair invocations with their completions (Jepsen's rule: a completion completes the last open
 * invocation of its process). Throws nothing: unmatched completions are returned in `orphans`
 * so that readers can report them with their line numbers.
 */
export function pairOps(history: History): { pairs: OpPair[]; orphans: Op[]; doubleInvokes: Op[] } {
  const open = new Map<ProcessId, OpPair>();
  const pairs: OpPair[] = [];
  const orphans: Op[] = [];
  const doubleInvokes: Op[] = [];
  let n = 0;
  for (const op of history) {
    if ((++n & 4095) === 0) checkpoint('pairing invocations with completions');
    if (op.type === 'invoke') {
      if (open.has(op.process)) doubleInvokes.push(op);
      const p: OpPair = { invoke: op };
      open.set(op.process, p);
      pairs.push(p);
    } else {
      const p = open.get(op.process);
      if (!p) {
        orphans.push(op);
        continue;
      }
      p.complete = op;
      open.delete(op.process);
    }
  }
  return { pairs, orphans, doubleInvokes };
}

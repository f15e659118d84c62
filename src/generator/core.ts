// The generator protocol (after Jepsen's): a pure, immutable description of which op to run
// next, at what time, on which thread. The controller asks `op`, and reports every invocation
// and completion through `update`. Combinators live beside this file.

import type { Op, ProcessId } from '../history.js';
import type { Rng } from '../rng.js';

/** A worker thread: client threads 0..n-1, and the nemesis thread. */
export type Thread = number | 'nemesis';

export interface GenContext {
  /** Now, in ns since test start. */
  readonly time: number;
  /** Threads that are idle now, clients ascending then 'nemesis'. */
  readonly freeThreads: readonly Thread[];
  /** Every thread of the test (restricted by combinators like `reserve`, `clients`, `nemesis`). */
  readonly allThreads: readonly Thread[];
  /** The process currently running on each thread. */
  readonly workers: ReadonlyMap<Thread, ProcessId>;
  /** The reverse: the thread running each current process. */
  readonly processThreads: ReadonlyMap<ProcessId, Thread>;
  /**
   * When each thread last started an op (ns since test start; 0 before its first). With it, an
   * op that any free thread could run goes to the free thread whose last op is oldest (round
   * robin over the threads that are free); without it, to a random one.
   */
  readonly lastOpAt?: ReadonlyMap<Thread, number>;
  readonly rng: Rng;
}

/** An op a generator emits. The controller fills `index`; `process` and `time` are decided here. */
export interface PlannedOp {
  /** 'invoke' runs on a client or the nemesis; 'sleep' parks the thread for `value` seconds; 'log' prints. */
  type: 'invoke' | 'sleep' | 'log';
  f: string;
  value: unknown;
  process: ProcessId;
  /** ns since test start; the controller waits until then. */
  time: number;
  [extra: string]: unknown;
}

/** What a caller writes: `{ f: 'read' }`, with defaults for the rest. */
export interface OpSpec {
  f: string;
  value?: unknown;
  type?: 'invoke' | 'sleep' | 'log';
  time?: number;
  process?: ProcessId;
  [extra: string]: unknown;
}

export type GenResult =
  | { op: PlannedOp; gen: Generator | null }
  | { pending: true; gen: Generator }
  | null;

/** The answer "nothing now, maybe later", continuing with `gen`. */
export const pending = (gen: Generator): GenResult => ({ pending: true, gen });

export interface Generator {
  /** The next op, 'pending' (nothing now, maybe later), or null (exhausted). Must not mutate. */
  op(ctx: GenContext): GenResult;
  /** Called with every invocation and completion; returns the generator to use from now on. */
  update(ctx: GenContext, event: Op): Generator | null;
}

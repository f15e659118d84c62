// The Model record: what a linearizability (or sequential-consistency) search needs to know about
// a data type, as pure functions. A user adds a data type by writing one of these; the search
// never changes. States must be immutable values: `step` returns a new state, never mutates.

import { showValue } from '../values.js';

/**
 * How an op completed, as the model sees it.
 * - 'ok': it took effect and `output` is what it returned.
 * - 'fail': it completed WITHOUT taking effect and that failure is an observation (Porcupine's
 *   etcd `:fail :cas`: the register did not hold `from`). Plain Jepsen `fail` ops never reach a
 *   model: they are dropped before the search, as Knossos does.
 * - 'info': crashed or timed out; `output` is undefined. It may take effect at any point after
 *   its invocation, or never.
 */
export type OpStatus = 'ok' | 'fail' | 'info';

/** One operation (invocation + completion) as the search and the models see it. */
export interface ModelOp {
  /** History index of the invocation. */
  index: number;
  /** History index of the completion; null when crashed (open to the end of the history). */
  completeIndex: number | null;
  process: number | string;
  f: string;
  /** Invocation value (already stripped of its `[k, v]` key when split by independent key). */
  value: unknown;
  /** Completion value (stripped likewise); undefined when unknown. */
  output: unknown;
  status: OpStatus;
  /** Times in ns of invocation and completion (null: crashed). */
  call: number;
  ret: number | null;
  /** The independent key this op belongs to, when the history was split by `[k, v]` tuples. */
  key?: unknown;
}

export interface Partition {
  key: unknown;
  ops: ModelOp[];
}

export interface Model<S = unknown> {
  readonly name: string;
  /** One line for `--help`. */
  readonly description: string;
  /**
   * True when the model itself reads `[k, v]` tuples (the kv map). Otherwise a history whose
   * values are all `[k, v]` tuples is split by key (Jepsen's independent checker) and unwrapped.
   */
  readonly keyed?: boolean;
  init(): S;
  /** The state after `op` (deterministic models), or undefined if `op` is impossible in `state`. */
  step(state: S, op: ModelOp): S | undefined;
  /** Nondeterministic models: every possible next state ([] if impossible). Overrides `step`. */
  stepAll?(state: S, op: ModelOp): readonly S[];
  equal(a: S, b: S): boolean;
  /** A 32-bit hash consistent with `equal`. */
  hash(s: S): number;
  /** Split into independently checkable parts (P-compositionality), e.g. by key. */
  partition?(ops: ModelOp[]): Partition[];
  /**
   * The state for a user-given initial value (`--opt init=JSON`: Jepsen's registers start nil,
   * other systems' at 0). Throws with a message if the value does not fit. Undefined: the model
   * has only its own initial state.
   */
  initFrom?(value: unknown): S;
  /** An error message when the op is not one this model knows (bad f or value shape). */
  validate?(op: ModelOp): string | undefined;
  /**
   * True if a failure of this op, reported as an observation (`observed: true` on the `fail`
   * completion), means something the model checks (cas: the value was not `from`). Other failed
   * ops are dropped as "did not happen".
   */
  observesFailure?(op: ModelOp): boolean;
  /** True if the op never changes the state (a read): a crashed one constrains nothing and is dropped. */
  readOnly?(op: ModelOp): boolean;
  /**
   * Optional, must be proven safe: drop crashed ops whose effect no other op could observe.
   * Returns the ops to keep (the history stays linearizable iff it was).
   */
  prune?(ops: ModelOp[]): ModelOp[];
  /**
   * True if the op's next state does not depend on the state and it is legal in every state
   * (a blind write of the whole state). Lets the search skip a crashed op whose effect would be
   * overwritten at once. Must be false when the op only overwrites part of the state.
   */
  blind?(op: ModelOp): boolean;
  /**
   * Lookahead for a read-only op `read` that the search must place next: true if no sequence of
   * ops that do not `reset` it can make it legal from `state` (kv: the key's string is not a
   * prefix of what the get returned, and appends only extend it). Must stay true under every
   * non-reset op. With `resets`, lets the search drop a lift at once instead of deep below.
   */
  doomed?(state: S, read: ModelOp): boolean;
  /** True if `op` could make a doomed `read` reachable again (kv: a put, of the get's key, of a prefix of what it returned). */
  resets?(op: ModelOp, read: ModelOp): boolean;
  /**
   * For two successful read-only ops: true if `later` is doomed (see `doomed`) in every state in
   * which `earlier` is legal (registers: they read different values; kv: gets of one key where
   * the later string does not extend the earlier). With `resets`, lets a pre-pass prove stale
   * reads without a search (stale-reads.ts).
   */
  readDooms?(earlier: ModelOp, later: ModelOp): boolean;
  /**
   * True if crashed op x can stand in for crashed op y: in every state where y is legal, x is
   * legal with the same next state (a write of v subsumes a cas to v). The search then never
   * spends x where y, also available, does the same - x stays available for later.
   */
  subsumes?(x: ModelOp, y: ModelOp): boolean;
  /**
   * Crashed ops with the same symmetry key are interchangeable (same effect in every state);
   * the search then only tries the earliest-invoked one of each class. Undefined = no symmetry.
   */
  symmetryKey?(op: ModelOp): string | undefined;
  /**
   * Every state the model could be in at any point of a history made of `ops` (a finite
   * superset), or undefined if unbounded. Lets a witness start in the middle of a long history:
   * "from whatever state, these few ops cannot be linearized".
   */
  initialStates?(ops: ModelOp[]): S[] | undefined;
  /** Estimated bytes a state holds (for the memory budget); default 32. */
  stateBytes?(s: S): number;
  /** "cas(1→4)", "read → 3", "write 2 (crashed)". */
  describeOp(op: ModelOp): string;
  describeState(s: S): string;
}

// ---------------------------------------------------------------- helpers for model authors
// Value identity is shared with the other checkers (exact integers, bigint-safe): see values.ts.

export { addNumbers, canonicalInt, canonicalJson, hashString, hashValue, isNumeric, mix32, sameValue } from '../values.js';

/** Short printable form of a value for op labels ("nil" for null, like Jepsen; integers exact). */
export function show(v: unknown): string {
  return showValue(v);
}

export function isPair(v: unknown): v is [unknown, unknown] {
  return Array.isArray(v) && v.length === 2;
}

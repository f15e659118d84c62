// Evidence shapes: data that checkers put into their results and that the report draws. Shared
// here (and re-exported by protocols.ts) so that checkers and the report agree without importing
// each other.

/** One operation as drawn in a witness: an interval [call, ret] on a process's line. */
export interface WitnessOp {
  /** History index of the invocation. */
  index: number;
  /** History index of the completion; null if it crashed (info) or never completed. */
  completeIndex: number | null;
  process: number | string;
  f: string;
  /** Invocation value and completion value. */
  value: unknown;
  output: unknown;
  type: 'ok' | 'fail' | 'info';
  /** Times in ns; ret is null for an op that stays open to the end. */
  call: number;
  ret: number | null;
  /** The model's description of the op ("cas(1→4)", "read → 3"). */
  label: string;
}

/** Evidence of a linearizability (or sequential consistency) violation. */
export interface LinearizabilityWitness {
  model: string;
  /** The partition (key) the violation is in, if split by key. */
  key?: unknown;
  /** The smallest set of ops found that is still not linearizable. */
  ops: WitnessOp[];
  /** The longest linearizable prefix: op invocation indices in linearization order. */
  prefix: number[];
  /** Invocation index of an op that cannot be placed after that prefix. */
  failing: number;
  /** Model states the prefix can end in (described). */
  states: string[];
  /** For each op of `ops`, the longest partial linearization that contains it (invocation indices). */
  partials?: Record<string, number[]>;
  /** Human-readable explanation, several lines. */
  text: string;
}

export type DependencyKind = 'ww' | 'wr' | 'rw' | 'process' | 'realtime';

/** One step of an Elle-style cycle: `from` must precede `to` because ... */
export interface CycleStep {
  from: number; // history index (completion) of the transaction
  to: number;
  kind: DependencyKind;
  key?: unknown;
  value?: unknown;
  explanation: string;
}

/**
 * An internal-consistency (INT) violation inside one transaction: a read of a key that disagrees
 * with the transaction's own most recent read or write of that key. Positions are 0-based indices
 * into the transaction's micro-ops (ops[0].value of the anomaly).
 */
export interface InternalCase {
  key: unknown;
  /** Position of the later read. */
  read: number;
  /** What the later read returned. */
  seen: unknown;
  /**
   * What it should have returned. With `endsWith` (list-append, own appends and no earlier read),
   * only the end of the list is known: the read must end with these elements.
   */
  expected: unknown;
  endsWith?: boolean;
  /** The earlier micro-ops that fix the expectation: the last read of the key, then the own writes since. */
  basis: number[];
}

/** A dependency cycle or a non-cyclic transactional anomaly. */
export interface TxnAnomaly {
  type: string; // G0, G1a, G1b, G1c, G-single, G2-item, internal, lost-update, ...
  /** Transactions involved (history indices of their completions) with their ops. */
  ops: { index: number; process: number | string; value: unknown }[];
  steps?: CycleStep[];
  /** For `internal`: the earlier read or writes and the later read that contradicts them. */
  internal?: InternalCase;
  text: string;
}

/** Eventual consistency: what happened to one element added to a set. */
export interface ElementOutcome {
  element: unknown;
  outcome: 'stable' | 'lost' | 'never-read' | 'stale' | 'unexpected' | 'duplicated';
  addIndex?: number;
  /** ns from the add's acknowledgement to the first read after which it was always present. */
  visibilityLatencyNs?: number | null;
  lastAbsentIndex?: number | null;
  lastPresentIndex?: number | null;
}

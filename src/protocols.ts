// The small protocols everything plugs into (after Jepsen's): Db, Net, Client, Nemesis,
// Checker, Workload. A test is the bundle the controller runs. Keep these small and stable.

import type { History, Op, OpType } from './history.js';
import type { Generator, OpSpec } from './generator/core.js';
import type { Rng } from './rng.js';
import type { Storage } from './storage-faults.js';
import { BudgetExhausted } from './budget.js';
import type { NetRecord } from './net-facts.js';

// ---------------------------------------------------------------- verdicts

/** Three-valued verdict: a checker that ran out of budget says 'unknown', never a false `true`. */
export type Validity = true | false | 'unknown';

/** Worst of several verdicts: false > unknown > true. */
export function worst(...vs: Validity[]): Validity {
  if (vs.includes(false)) return false;
  if (vs.includes('unknown')) return 'unknown';
  return true;
}

/** A pointer into the history that a report can jump to. */
export interface AnomalyRef {
  /** History index of the op (its completion, or its invocation if it never completed). */
  index: number;
  /** One line saying what is wrong with it. */
  message: string;
}

/**
 * What a checker returns. `valid` is required; the rest is checker-specific data, which must be
 * plain JSON (it is stored in results.json and drawn by the report). Well-known optional fields:
 * - `summary`: one line for humans.
 * - `anomalies`: pointers to offending ops, first one first ("jump to the first anomaly").
 * - `error`: why the verdict is unknown (budget exhausted, checker crashed).
 * - `results`: sub-results of a composed checker, by name.
 */
export interface CheckResult {
  valid: Validity;
  summary?: string;
  anomalies?: AnomalyRef[];
  error?: string;
  results?: Record<string, CheckResult>;
  [key: string]: unknown;
}

export interface CheckOptions {
  /** Wall-clock budget in ms, positive (0 is refused by every checker); past it the checker answers 'unknown'. */
  timeLimitMs?: number;
  /** Memory budget in bytes (approximate, checker-specific accounting). */
  memoryLimitBytes?: number;
  /** The test that produced the history, when checking a run (absent for `faultline check FILE`). */
  test?: TestInfo;
  /** Checker-specific options (model, consistency model, flags) from the CLI or workload. */
  [key: string]: unknown;
}

export interface Checker {
  readonly name: string;
  check(history: History, opts: CheckOptions): Promise<CheckResult> | CheckResult;
}

/** Runs each checker and combines: valid is the worst of the parts. Crashes become 'unknown'. */
export function compose(name: string, checkers: Record<string, Checker>): Checker {
  return {
    name,
    async check(history, opts) {
      const results: Record<string, CheckResult> = {};
      for (const [k, c] of Object.entries(checkers)) {
        try {
          results[k] = await c.check(history, opts);
        } catch (e) {
          // A spent budget is the whole check's: it ends every part, with its reason.
          if (e instanceof BudgetExhausted) throw e;
          results[k] = { valid: 'unknown', error: `checker ${k} crashed: ${(e as Error)?.stack ?? String(e)}` };
        }
      }
      const anomalies = Object.values(results).flatMap((r) => r.anomalies ?? []);
      return {
        valid: worst(...Object.values(results).map((r) => r.valid)),
        results,
        ...(anomalies.length ? { anomalies } : {}),
      };
    },
  };
}

// ---------------------------------------------------------------- test

/** Serializable description of a test: options, seed, versions. Stored as test.json. */
export interface TestInfo {
  name: string;
  db: string;
  workload: string;
  nemesis: string[];
  nodes: string[];
  concurrency: number;
  seed: number;
  timeLimitS: number;
  rate: number;
  bug?: string;
  bin?: string;
  /** Required fraction of ok client ops (--availability), when the user set one; read by `stats`. */
  availability?: number;
  dbOptions: Record<string, string>;
  /** Effective workload options: the user's `--workload-option`s over the db's implied defaults. */
  workloadOptions?: Record<string, string>;
  /** Effective fault options: the user's `--nemesis-option`s over the db's defaults for the run's faults. */
  nemesisOptions?: Record<string, string>;
  startedAt: string;
  versions: Record<string, string>;
  [key: string]: unknown;
}

export interface Logger {
  info(msg: string): void;
  warn(msg: string): void;
}

/** A running test: what the Db, clients and nemeses see. */
export interface Test extends TestInfo {
  /** The run's directory (results/<test>/<timestamp>). */
  dir: string;
  /** Unique run id; every external resource (container, network, rule) is labelled with it. */
  runId: string;
  rng: Rng;
  db: string;
  dbImpl: Db;
  net?: Net;
  log: Logger;
  /** Nanoseconds since test start. */
  now(): number;
  /** Aborted on Ctrl-C or crash: long operations should stop. */
  signal: AbortSignal;
  /** The client workers, for client-side faults (set while the workload runs). */
  workers?: WorkerControl;
}

// ---------------------------------------------------------------- db

/**
 * A database cluster. Setup starts all nodes and waits until they are ready; teardown removes
 * everything it made (processes, containers, volumes, rules) and must be safe to call twice or
 * after a failed setup. Constructing a Db starts nothing. Optional capabilities are declared by
 * having them (see src/plugin/capabilities.ts): a `net` to partition, kill/start, pause/resume,
 * a `clock`, `primaries`, `collectLogs`. Clients come from the db plugin's `clients` map.
 */
export interface Db {
  readonly name: string;
  setup(test: Test): Promise<void>;
  teardown(test: Test): Promise<void>;
  /** A few words on the variant, for messages: "existing cluster", "topology sentinel". */
  describe?(): string | undefined;
  /** Where its nodes run: 'containers', 'processes', 'ssh', 'external' (checked against what the run asked for). */
  readonly backend?: 'containers' | 'processes' | 'ssh' | 'external';
  /** The network between nodes; its methods work once the db is set up. */
  readonly net?: Net;
  kill?(test: Test, node: string): Promise<void>;
  start?(test: Test, node: string): Promise<void>;
  pause?(test: Test, node: string): Promise<void>;
  resume?(test: Test, node: string): Promise<void>;
  /** Nodes that currently believe they lead (for "isolate the primaries"). */
  primaries?(test: Test): Promise<string[]>;
  /** Per-node clock skew; `supported: false` (with the reason) where the server ignores it. */
  readonly clock?: Clock;
  /** Copy node logs into `dir`; returns the paths written. */
  collectLogs?(test: Test, dir: string): Promise<string[]>;
  /** Faults on the nodes' storage: power failures, corrupted files, a full disk (storage-faults.ts). */
  readonly storage?: Storage;
  /**
   * Told while the run is planned, before setup, which capabilities its faults use and their
   * options (`--nemesis-option`), so the db can lay its nodes out for them (a data directory
   * on lazyfs for power failures, a small disk for disk-full).
   */
  prepareFaults?(capabilities: readonly string[], options: Readonly<Record<string, unknown>>): void;
  /** A transaction coordinator faultline runs for the db's clients (two-phase commit), to crash and restart. */
  readonly coordinator?: Coordinator;
  /**
   * What the db's own network carried during the run (a Db that routes messages itself, as the
   * Maelstrom clusters do): read after teardown, stored in results.json as `net` (per client op).
   */
  netRecord?(): NetRecord | undefined;
}

/**
 * A client-side transaction coordinator (a process faultline runs between its clients and the
 * database, as a two-phase-commit coordinator): crashed at a named point of its protocol, then
 * restarted, which runs its recovery. Values describe what happened, for the history.
 */
export interface Coordinator {
  /** Crashes it at `point` (or where it stands if nothing reaches the point soon); resolves once it is down. */
  crash(test: Test, point: string): Promise<unknown>;
  /** Restarts it after a crash; resolves once it serves again, with what its recovery did. */
  restart(test: Test): Promise<unknown>;
}

/** A grudge: for each node, the set of nodes whose messages it drops. */
export type Grudge = Record<string, string[]>;

/** Network faults (Jepsen's jepsen.net protocol). */
export interface Net {
  partition(test: Test, grudge: Grudge): Promise<void>;
  heal(test: Test): Promise<void>;
  /** Drop each packet/message with probability p (on all nodes, or the given ones). */
  loss?(test: Test, p: number, nodes?: string[]): Promise<void>;
  /** Add latency (ms, with jitter) to messages/packets. */
  delay?(test: Test, ms: number, jitterMs: number, nodes?: string[]): Promise<void>;
  /** Limit each node's egress to `kbit` kbit/s; packets queue up to `latencyMs`, then drop. */
  rate?(test: Test, kbit: number, latencyMs: number, nodes?: string[]): Promise<void>;
  /** Undo loss, delay and rate limits. */
  fast?(test: Test): Promise<void>;
}

export interface Clock {
  /** Shift a node's clock by deltaMs (positive or negative). */
  bump(test: Test, node: string, deltaMs: number): Promise<void>;
  /** Reset nodes' clocks to the real time. */
  reset(test: Test, nodes: string[]): Promise<void>;
  /** Whether the Db's server really honours skew; if false, clock faults are refused. */
  readonly supported: boolean;
  readonly reason?: string;
}

// ---------------------------------------------------------------- client

/** An op handed to a client or nemesis: the invocation as recorded. */
export type Invocation = Op;

/** What invoke returns. Throwing, or timing out, records `info` and retires the process. */
export interface Completion {
  type: Exclude<OpType, 'invoke'>;
  value?: unknown;
  error?: unknown;
}

/**
 * A client. `open` returns a fresh client bound to one node (one per worker); `setup` runs once
 * on one client before the workload (create tables...), `teardown` once after; `close` releases
 * the connection. `invoke` must be definite about failures: return `fail` only when the op surely
 * did not take effect; when unsure, throw or return `info`.
 */
export interface Client {
  open(test: Test, node: string): Promise<Client>;
  setup?(test: Test): Promise<void>;
  invoke(test: Test, op: Invocation): Promise<Completion>;
  teardown?(test: Test): Promise<void>;
  close?(test: Test): Promise<void>;
  /**
   * Client-side faults (the stall nemesis): stop this client's own background traffic (session
   * heartbeats, lease keepalives) as a GC or VM pause of the client process would, until `thaw`.
   * Clients without background traffic need neither.
   */
  freeze?(): void;
  thaw?(): void;
}

/**
 * The run's client workers as a client-side nemesis sees them (Test.workers): each client thread's
 * last recorded op, and a gate per thread that, closed, keeps the thread from starting its next op
 * (and freezes its client) until opened again.
 */
export interface WorkerControl {
  /** Client threads 0..concurrency-1. */
  threads(): number[];
  /** The latest op recorded for the thread (an invocation while one is in flight). */
  last(thread: number): Op | undefined;
  /** Closes the thread's gate and freezes its client; it finishes the op it is running first. */
  stall(thread: number): void;
  /** Opens the gate and thaws the client. */
  resume(thread: number): void;
  /**
   * Stalls the first thread that completes an op matching `pred` (from now on), right at that
   * completion, before it can start another op; resolves to the thread, or undefined after timeoutMs.
   */
  stallWhen(pred: (op: Op) => boolean, timeoutMs: number): Promise<number | undefined>;
  /** Threads whose gate is closed. */
  stalled(): number[];
}

// ---------------------------------------------------------------- nemesis

export interface Nemesis {
  /** The op `f`s this nemesis handles, e.g. ['start-partition', 'stop-partition']. */
  readonly fs: readonly string[];
  setup?(test: Test): Promise<void>;
  /** Apply the fault; the returned value is recorded as the op's completion value. */
  invoke(test: Test, op: Invocation): Promise<Completion>;
  /** Heal everything this nemesis may have done. Always called, also after errors. */
  teardown?(test: Test): Promise<void>;
}

/** A fault window kind for plots: ops `start` open a window, `stop` closes it. */
export interface FaultWindowSpec {
  name: string;
  start: string[];
  stop: string[];
  color: string;
}

/**
 * A nemesis package (Jepsen's nemesis.combined): the fault, its schedule, the ops that heal it
 * at the end of the run, and how its windows are drawn.
 */
export interface NemesisPackage {
  name: string;
  nemesis: Nemesis;
  generator: Generator | null;
  /** Ops run after the workload to heal everything (stop-partition, resume, start...). */
  finalGenerator: Generator | null;
  windows: FaultWindowSpec[];
  /** The start/stop op pairs of this fault, so a combined package can mix several faults. */
  faults?: Array<{ start: OpSpec; stop: OpSpec }>;
}

// ---------------------------------------------------------------- workload

/**
 * A workload: a generator of client ops, an optional final phase (e.g. final reads from every node
 * after healing), and the checker that judges the history. The client comes from the Db
 * (`db.client(workload.name)`), because how to talk to a database is the database's business.
 */
export interface Workload {
  readonly name: string;
  generator: Generator;
  finalGenerator?: Generator;
  /**
   * Seconds to wait after healing before the final phase, unless the run sets its own
   * (`--recovery-wait`); default 3. Maelstrom's workloads wait 10 s, as Maelstrom does, so that
   * replicas that converge by gossip have time to.
   */
  recoveryS?: number;
  checker: Checker;
}

// Evidence shapes (witnesses, cycles, element outcomes): src/evidence.ts.
export type { WitnessOp, LinearizabilityWitness, DependencyKind, CycleStep, InternalCase, TxnAnomaly, ElementOutcome } from './evidence.js';

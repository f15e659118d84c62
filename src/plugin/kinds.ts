// The four plugin kinds (databases, workloads, nemeses, checkers) as declarations: a name, one
// line of doc, typed options, and what the kind needs besides. The core derives validation,
// help, test-all checks and docs from these; a plugin writes each fact once.

import type { Capability } from './capabilities.js';
import type { SshCluster } from '../ssh/ssh-db.js';
import type { SystemSpec } from '../system.js';
import type { OptionSpecs, OptionValues } from './options.js';
import type { CheckOptions, CheckResult, Checker, Client, Db, NemesisPackage, Test, Workload } from '../protocols.js';

interface Declared<S extends OptionSpecs> {
  /** The name users type: `--db NAME`, `--workload NAME`, ... */
  readonly name: string;
  /** One line for `--help` and the README. */
  readonly doc: string;
  readonly options?: S;
}

/** What a db plugin is created with: the node count, its parsed options, `--bug`, `--bin`. */
export interface DbContext<O> {
  nodes: number;
  options: O;
  bug?: string;
  bin?: string;
  /** Run the nodes on these machines over SSH (`--nodes-file`, `--node`), not in containers. */
  ssh?: SshCluster;
}

/**
 * A database. `create` builds the Db object and must start nothing (the run is planned, and
 * refused if it cannot work, before setup). Its clients per workload are the workloads it
 * supports. Capabilities (faults) are derived from the Db object: see capabilities.ts.
 */
export interface DbPlugin<S extends OptionSpecs = OptionSpecs, D extends Db = Db> extends Declared<S> {
  readonly defaultNodes: number;
  /** Documented bugs it can switch on (`--bug NAME`), with what each does. */
  readonly bugs?: Readonly<Record<string, string>>;
  /** Any `--bug NAME` is passed on (an external program defines its own bug switches). */
  readonly anyBug?: boolean;
  /** Promises only eventual consistency: workloads judge reads as possibly stale, then final reads. */
  readonly eventuallyConsistent?: boolean;
  /** One client factory per supported workload, given the db (set up) and the test. */
  readonly clients: Readonly<Record<string, (db: D, test: Test) => Client>>;
  /** The server as a declared system, when it is one: `faultline images build` builds its image. */
  readonly system?: SystemSpec<never>;
  /** Workload options this db implies by default (e.g. the consistency model an isolation level promises). */
  workloadDefaults?(workload: string, options: OptionValues<S>): Record<string, string>;
  /**
   * Fault options this db implies by default, under `--nemesis-option` (e.g. which nodes a kill
   * hits); only the options of the run's faults apply. Listed in help.
   */
  readonly nemesisDefaults?: Readonly<Record<string, string>>;
  /** Node names when the options fix them (an existing cluster's endpoints); else n1..nN. */
  nodeNames?(ctx: DbContext<OptionValues<S>>): string[] | undefined;
  create(ctx: DbContext<OptionValues<S>>): D;
}

/** What a workload is created with. */
export interface WorkloadContext<O> {
  concurrency: number;
  nodes: string[];
  /** The db promises only eventual consistency (stale reads allowed, final reads exact). */
  eventual?: boolean;
  options: O;
}

/** A workload: its generator, final phase and checker (the checker a workload implies). */
export interface WorkloadPlugin<S extends OptionSpecs = OptionSpecs> extends Declared<S> {
  create(ctx: WorkloadContext<OptionValues<S>>): Workload;
}

/** What a nemesis is created with. */
export interface NemesisContext<O> {
  db: Db;
  /** Mean seconds a fault lasts, and between faults. */
  intervalS: number;
  options: O;
}

/** A fault. Its options share `--nemesis-option` with the other faults of the run. */
export interface NemesisPlugin<S extends OptionSpecs = OptionSpecs> extends Declared<S> {
  /** Db capabilities this fault needs (none for client-side faults), perhaps by its options. */
  readonly requires: readonly Capability[] | ((options: OptionValues<S>) => readonly Capability[]);
  create(ctx: NemesisContext<OptionValues<S>>): NemesisPackage;
}

/**
 * A checker. `create` gets its declared options (parsed from `--opt` or given in code) plus the
 * generic check options (budgets, the test); `format` renders a result for the terminal.
 */
export interface CheckerPlugin<S extends OptionSpecs = OptionSpecs> extends Declared<S> {
  create(opts: OptionValues<S> & CheckOptions): Checker;
  format?(result: CheckResult): string;
}

/** Any plugin, as the registries hold them (options erased to their declaration). */
export type AnyDbPlugin = DbPlugin<OptionSpecs, Db>;

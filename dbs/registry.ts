// The database plugin map: `faultline run --db NAME` looks databases up here.

import type { Db } from '../src/protocols.js';
import { createRegistry } from '../src/registry.js';

export interface DbOptions {
  /** Number of nodes. */
  nodes: number;
  /** A documented bug to switch on (built-in targets). */
  bug?: string;
  /** An external program speaking the Maelstrom protocol (`--bin`). */
  bin?: string;
  /** `--db-option key=value` pairs. */
  dbOptions: Record<string, string>;
  /** The workload the run drives (a db may lay itself out for it, e.g. independent nodes for bank-2pc). */
  workload?: string;
}

export interface DbPlugin {
  name: string;
  description: string;
  /** Workloads this db has clients for. */
  workloads: readonly string[];
  /** Bugs it can switch on, with what each does. */
  bugs?: Record<string, string>;
  /** Promises only eventual consistency: workloads judge reads as possibly stale. */
  eventuallyConsistent?: boolean;
  /** Default node count. */
  defaultNodes: number;
  /** The node names when the options fix them (an existing cluster's endpoints); else n1..nN. */
  nodeNames?(opts: DbOptions): string[] | undefined;
  /**
   * Workload options this db implies from its own options (e.g. the consistency model an
   * isolation level promises); the user's `--workload-option`s override them.
   */
  workloadDefaults?(opts: DbOptions): Record<string, string>;
  create(opts: DbOptions): Db;
}

const plugins = createRegistry<DbPlugin>();
export const registerDb = plugins.register;
export const getDb = plugins.get;
export const dbNames = plugins.names;

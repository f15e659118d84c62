// The database plugin map: `faultline run --db NAME` looks databases up here.

import type { Db } from '../protocols.js';

export interface DbOptions {
  /** Number of nodes. */
  nodes: number;
  /** A documented bug to switch on (built-in targets). */
  bug?: string;
  /** An external program speaking the Maelstrom protocol (`--bin`). */
  bin?: string;
  /** `--db-option key=value` pairs. */
  dbOptions: Record<string, string>;
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
  create(opts: DbOptions): Db;
}

const plugins = new Map<string, DbPlugin>();

export function registerDb(p: DbPlugin): void {
  plugins.set(p.name, p);
}

export function getDb(name: string): DbPlugin | undefined {
  return plugins.get(name);
}

export function dbNames(): string[] {
  return [...plugins.keys()].sort();
}

// The workload plugin map: `faultline run --workload NAME` looks workloads up here. A workload
// bundles a generator, an optional final phase and a checker; the client comes from the Db.

import type { Workload } from '../src/protocols.js';
import { createRegistry } from '../src/registry.js';
import { badArgument } from '../src/errors.js';

export interface WorkloadOptions {
  concurrency: number;
  nodes: string[];
  /** The db promises only eventual consistency (stale reads allowed, final reads exact). */
  eventual?: boolean;
  /** Workload-specific settings (`--workload-option key=value`). */
  options: Record<string, string>;
}

export interface WorkloadPlugin {
  name: string;
  description: string;
  create(opts: WorkloadOptions): Workload;
}

const plugins = createRegistry<WorkloadPlugin>();
export const registerWorkload = plugins.register;
export const getWorkload = plugins.get;
export const workloadNames = plugins.names;

/** A numeric workload option with a default, refusing garbage. */
export function numberOption(opts: WorkloadOptions, key: string, dflt: number): number {
  const s = opts.options[key];
  if (s === undefined) return dflt;
  const n = Number(s);
  if (!Number.isFinite(n) || n <= 0) throw badArgument(`expected a positive number, got '${s}'`, `--workload-option ${key}`);
  return n;
}

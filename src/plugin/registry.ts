// The plugin maps: every database, workload, nemesis and checker is registered here by name
// (built-in ones by the application, a user's by their suite file) and looked up by the core.
// `define*` registers a declaration and returns it, keeping its option types.

import { FaultlineError } from '../errors.js';
import { createRegistry, type Registry } from '../registry.js';
import type { Db } from '../protocols.js';
import type { AnyDbPlugin, CheckerPlugin, DbPlugin, NemesisPlugin, WorkloadPlugin } from './kinds.js';
import type { OptionSpecs } from './options.js';

export const dbs: Registry<AnyDbPlugin> = createRegistry('db');
export const workloads: Registry<WorkloadPlugin> = createRegistry('workload');
export const nemeses: Registry<NemesisPlugin> = createRegistry('nemesis');
export const checkers: Registry<CheckerPlugin> = createRegistry('checker');

// A declaration's option and db types are erased when it is stored: `create` builds the very
// object its `clients` receive, and options reach both parsed from its own declaration.
export function defineDb<S extends OptionSpecs, D extends Db>(p: DbPlugin<S, D>): DbPlugin<S, D> {
  dbs.register(p as unknown as AnyDbPlugin);
  return p;
}

export function defineWorkload<S extends OptionSpecs>(p: WorkloadPlugin<S>): WorkloadPlugin<S> {
  workloads.register(p as unknown as WorkloadPlugin);
  return p;
}

export function defineNemesis<S extends OptionSpecs>(p: NemesisPlugin<S>): NemesisPlugin<S> {
  nemeses.register(p as unknown as NemesisPlugin);
  return p;
}

export function defineChecker<S extends OptionSpecs>(p: CheckerPlugin<S>): CheckerPlugin<S> {
  checkers.register(p as unknown as CheckerPlugin);
  return p;
}

/** A registered plugin, or BAD_ARGUMENT naming the flag and listing the known names. */
export function lookup<T extends { name: string }>(r: Registry<T>, name: string, flag: string): T {
  const p = r.get(name);
  if (!p) throw new FaultlineError('BAD_ARGUMENT', `unknown ${r.kind} '${name}' (known: ${r.names().join(', ')})`, flag);
  return p;
}

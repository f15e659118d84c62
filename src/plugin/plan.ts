// Planning a run: every option is checked and every plugin built before anything starts, so a
// run that cannot work is refused with nothing left behind. Plugins are looked up by name, their
// options parsed against their declarations, the workload checked against the db's clients, and
// each fault against the db's capabilities. `faultline run` and `test-all` (for every cell, before
// the first one runs) plan the same way.

import { FaultlineError } from '../errors.js';
import type { Client, Db, NemesisPackage, Test, Workload } from '../protocols.js';
import { parseOptions } from './options.js';
import { dbs, lookup, nemeses, workloads } from './registry.js';
import type { AnyDbPlugin, WorkloadPlugin } from './kinds.js';
import { buildNemesis } from './nemesis-package.js';
import type { SshCluster } from '../ssh/ssh-db.js';

/** What a run is asked for (the CLI's options, or `run()`'s). */
export interface PlanInput {
  /** Default: raft, or maelstrom when `bin` is given. */
  db?: string;
  bin?: string;
  workload: string;
  nemesis: string[];
  nodes?: number;
  concurrency?: number;
  /** Client threads per node (Jepsen's `--concurrency 3n`), when `concurrency` is not given. */
  concurrencyPerNode?: number;
  bug?: string;
  dbOptions?: Record<string, unknown>;
  nemesisOptions?: Record<string, unknown>;
  workloadOptions?: Record<string, unknown>;
  /** Mean seconds between fault starts and stops. */
  nemesisIntervalS?: number;
  /** Run the nodes on these machines over SSH instead of the db's default backend. */
  ssh?: SshCluster;
}

export interface Plan {
  dbName: string;
  dbPlugin: AnyDbPlugin;
  db: Db;
  nodes: string[];
  concurrency: number;
  workloadPlugin: WorkloadPlugin;
  workload: Workload;
  /** The combined fault package, or null for a fault-free run. */
  nemesis: NemesisPackage | null;
  /** Workload options as given, with the db's defaults under them (recorded in test.json). */
  workloadOptions: Record<string, unknown>;
  /** Fault options as given, with the db's defaults under them (recorded in test.json). */
  nemesisOptions: Record<string, unknown>;
  /** The nemesis names actually used ('none' dropped). */
  faults: string[];
  /** Makes the workload's client for this db (once the db is set up). */
  client(test: Test): Client;
}

const positive = (v: number | undefined, flag: string): void => {
  if (v !== undefined && !(Number.isFinite(v) && v > 0)) throw new FaultlineError('BAD_ARGUMENT', `expected a positive number, got ${v}`, flag);
};

/** A db plugin's Db, built as a run builds it, with its clients at hand. */
export interface CreatedDb<D extends Db = Db> {
  plugin: AnyDbPlugin;
  db: D;
  nodes: string[];
  /** The client of a workload (BAD_ARGUMENT-free: UNSUPPORTED naming the db when it has none). */
  client(workload: string, test: Test): Client;
}

/** Builds a db plugin's Db from raw options (as `--db-option` gives them, or typed values). */
export function createDb<D extends Db = Db>(name: string, o: Pick<PlanInput, 'nodes' | 'bug' | 'bin' | 'dbOptions' | 'ssh'> = {}): CreatedDb<D> & { options: Record<string, unknown> } {
  const plugin = lookup(dbs, name, '--db');
  if (o.bug !== undefined && !plugin.anyBug && !(plugin.bugs && o.bug in plugin.bugs)) {
    const known = Object.keys(plugin.bugs ?? {});
    throw new FaultlineError('BAD_ARGUMENT', `db ${name} has no bug '${o.bug}'${known.length ? ` (known: ${known.join(', ')})` : ''}`, '--bug');
  }
  positive(o.nodes, '--nodes');
  const options = parseOptions(plugin.options ?? {}, o.dbOptions ?? {}, { flag: '--db-option', owner: `db ${name}` });
  const ctx = { nodes: o.nodes ?? plugin.defaultNodes, options, bug: o.bug, bin: o.bin, ssh: o.ssh };
  const fixed = o.ssh?.targets.map((t) => t.node) ?? plugin.nodeNames?.(ctx);
  if (fixed && o.nodes !== undefined && o.nodes !== fixed.length) {
    throw new FaultlineError('BAD_ARGUMENT', `--nodes ${o.nodes} but ${o.ssh ? 'the hosts name' : 'the db options name'} ${fixed.length} nodes (${fixed.join(', ')})`, '--nodes');
  }
  const nodes = fixed ?? Array.from({ length: ctx.nodes }, (_, i) => `n${i + 1}`);
  const db = plugin.create({ ...ctx, nodes: nodes.length }) as D;
  if (o.ssh && db.backend !== 'ssh') {
    throw new FaultlineError('UNSUPPORTED', `db ${name}${db.describe?.() ? ` (${db.describe()})` : ''} cannot run on machines over SSH: it runs as ${db.backend ?? 'its own backend'}`, '--nodes-file');
  }
  const client = (workload: string, test: Test): Client => {
    const make = plugin.clients[workload];
    if (!make) throw new FaultlineError('UNSUPPORTED', `db ${name} has no client for workload ${workload} (it supports: ${Object.keys(plugin.clients).join(', ')})`, '--workload');
    return make(db, test);
  };
  return { plugin, db, nodes, options, client };
}

export function planRun(o: PlanInput): Plan {
  const dbName = o.db ?? (o.bin ? 'maelstrom' : 'raft');
  const dbPlugin = lookup(dbs, dbName, '--db');
  const workloadPlugin = lookup(workloads, o.workload, '--workload');
  if (!dbPlugin.clients[o.workload]) {
    throw new FaultlineError('UNSUPPORTED', `db ${dbName} has no client for workload ${o.workload} (it supports: ${Object.keys(dbPlugin.clients).join(', ')})`, '--workload');
  }
  positive(o.concurrency, '--concurrency');
  const { db, nodes, options: dbOptions, client } = createDb(dbName, o);
  positive(o.concurrencyPerNode, '--concurrency');
  const concurrency = o.concurrency ?? (o.concurrencyPerNode !== undefined ? o.concurrencyPerNode * nodes.length : Math.max(nodes.length * 2, 5));
  const workloadRaw = { ...dbPlugin.workloadDefaults?.(o.workload, dbOptions), ...o.workloadOptions };
  const workloadOptions = parseOptions(workloadPlugin.options ?? {}, workloadRaw, { flag: '--workload-option', owner: `workload ${o.workload}` });
  const workload = workloadPlugin.create({ concurrency, nodes, eventual: dbPlugin.eventuallyConsistent, options: workloadOptions });
  const faults = o.nemesis.filter((n) => n && n !== 'none');
  const nemesisOptions = { ...nemesisDefaultsFor(dbPlugin, faults), ...o.nemesisOptions };
  const nemesis = buildNemesis(faults, { db, intervalS: o.nemesisIntervalS ?? 5, options: nemesisOptions });
  return { dbName, dbPlugin, db, nodes, concurrency, workloadPlugin, workload, workloadOptions: workloadRaw, nemesis, nemesisOptions, faults, client: (test) => client(o.workload, test) };
}

/** The db's default fault options that belong to one of these faults (a default for kill is no error in a partition-only run). */
function nemesisDefaultsFor(dbPlugin: AnyDbPlugin, faults: string[]): Record<string, string> {
  const declared = new Set(faults.flatMap((n) => Object.keys(lookup(nemeses, n, '--nemesis').options ?? {})));
  return Object.fromEntries(Object.entries(dbPlugin.nemesisDefaults ?? {}).filter(([k]) => declared.has(k)));
}

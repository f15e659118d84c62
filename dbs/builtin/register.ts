// Declares a built-in target: a node program of dbs/<name>/ run as N processes behind the
// fault-injecting Maelstrom router, with its documented bugs.

import { builtinNodeCommand } from './command.js';
import { MaelstromDb } from '../../src/maelstrom/db.js';
import { maelstromClients, maelstromDbOptions, maelstromSpecOptions } from '../../src/maelstrom/db-options.js';
import type { MaelstromWorkload } from '../../src/maelstrom/workload-client.js';
import { defineDb } from '../../src/plugin/registry.js';

export interface BuiltinSpec {
  name: string;
  doc: string;
  /** The node program: the URL of its module, e.g. `new URL('./node.js', import.meta.url)`. */
  program: URL;
  workloads: readonly MaelstromWorkload[];
  bugs: Readonly<Record<string, string>>;
  defaultNodes: number;
  eventuallyConsistent?: boolean;
  /** The nodes answer `raft_status`, so the db can name its leader and wait for one. */
  raftStatus?: boolean;
  /** Workload options its runs imply unless given (see DbPlugin.workloadDefaults). */
  workloadDefaults?: (workload: string) => Record<string, string>;
  /** Fault options its runs imply unless given (see DbPlugin.nemesisDefaults). */
  nemesisDefaults?: Readonly<Record<string, string>>;
}

export function defineBuiltinDb(spec: BuiltinSpec) {
  return defineDb({
    name: spec.name,
    doc: spec.doc,
    options: maelstromDbOptions,
    bugs: spec.bugs,
    defaultNodes: spec.defaultNodes,
    eventuallyConsistent: spec.eventuallyConsistent,
    workloadDefaults: spec.workloadDefaults,
    nemesisDefaults: spec.nemesisDefaults,
    create({ nodes, bug, options }) {
      const { command, args } = builtinNodeCommand(spec.program, bug);
      return new MaelstromDb({ name: spec.name, command, args, nodes, workloads: spec.workloads, ...maelstromSpecOptions(options), raftStatus: spec.raftStatus });
    },
    clients: maelstromClients(spec.workloads),
  });
}

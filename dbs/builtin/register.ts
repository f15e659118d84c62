// Registers a built-in target: a node program of dbs/<name>/ run as N processes behind the
// fault-injecting Maelstrom router, with its documented bugs.

import { builtinNodeCommand } from './command.js';
import { MaelstromDb } from '../../src/maelstrom/db.js';
import type { MaelstromWorkload } from '../../src/maelstrom/workload-client.js';
import { checkBug, requestTimeoutMs } from '../../src/maelstrom/db-options.js';
import { registerDb } from '../registry.js';

export interface BuiltinSpec {
  name: string;
  description: string;
  /** The node program: the URL of its module, e.g. `new URL('./node.js', import.meta.url)`. */
  program: URL;
  workloads: readonly MaelstromWorkload[];
  bugs: Readonly<Record<string, string>>;
  defaultNodes: number;
  eventuallyConsistent?: boolean;
  /** The nodes answer `raft_status`, so the db can name its leader and wait for one. */
  raftStatus?: boolean;
}

export function registerBuiltinDb(spec: BuiltinSpec): void {
  registerDb({
    name: spec.name,
    description: spec.description,
    workloads: spec.workloads,
    bugs: spec.bugs,
    defaultNodes: spec.defaultNodes,
    eventuallyConsistent: spec.eventuallyConsistent,
    create(opts) {
      checkBug(spec.name, opts.bug, spec.bugs);
      const { command, args } = builtinNodeCommand(spec.program, opts.bug);
      return new MaelstromDb({
        name: spec.name,
        command,
        args,
        nodes: opts.nodes || spec.defaultNodes,
        workloads: spec.workloads,
        requestTimeoutMs: requestTimeoutMs(opts),
        raftStatus: spec.raftStatus,
      });
    },
  });
}

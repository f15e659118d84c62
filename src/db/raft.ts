// Db plugin `raft`: the built-in Raft key-value store (src/builtin/raft-node.ts), faultline's
// default target. N node processes (default 5) behind the fault-injecting Maelstrom router.

import { RAFT_BUGS } from '../builtin/bugs.js';
import { builtinNodeCommand } from '../builtin/command.js';
import { MaelstromDb } from '../maelstrom/db.js';
import { checkBug, requestTimeoutMs } from './maelstrom-options.js';
import { registerDb } from './registry.js';

registerDb({
  name: 'raft',
  description: 'built-in Raft-replicated key-value store and set (linearizable unless a --bug is switched on)',
  workloads: ['register', 'set'],
  bugs: RAFT_BUGS,
  defaultNodes: 5,
  create(opts) {
    checkBug('raft', opts.bug, RAFT_BUGS);
    const { command, args } = builtinNodeCommand('raft-node.ts', opts.bug);
    return new MaelstromDb({
      name: 'raft',
      command,
      args,
      nodes: opts.nodes || 5,
      workloads: ['register', 'set'],
      requestTimeoutMs: requestTimeoutMs(opts),
      raftStatus: true,
    });
  },
});

// Db plugin `raft`: the built-in Raft key-value store (src/builtin/raft-node.ts), faultline's
// default target. N node processes (default 5) behind the fault-injecting Maelstrom router.

import { RAFT_BUGS } from '../builtin/bugs.js';
import { registerBuiltinDb } from './builtin.js';

registerBuiltinDb({
  name: 'raft',
  description: 'built-in Raft-replicated key-value store and set (linearizable unless a --bug is switched on)',
  file: 'raft-node.ts',
  workloads: ['register', 'set'],
  bugs: RAFT_BUGS,
  defaultNodes: 5,
  raftStatus: true,
});

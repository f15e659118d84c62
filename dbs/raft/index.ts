// Db plugin `raft`: the built-in Raft key-value store, set and logs (dbs/raft/node.ts), faultline's
// default target. N node processes (default 5) behind the fault-injecting Maelstrom router.

import { RAFT_BUGS } from './bugs.js';
import { defineBuiltinDb } from '../builtin/register.js';

defineBuiltinDb({
  name: 'raft',
  doc: 'built-in Raft-replicated key-value store, set and Kafka-style logs (linearizable unless a --bug is switched on)',
  program: new URL('./node.js', import.meta.url),
  workloads: ['register', 'set', 'lin-kv', 'g-set', 'kafka'],
  bugs: RAFT_BUGS,
  defaultNodes: 5,
  raftStatus: true,
});

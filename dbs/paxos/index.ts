// Db plugin `paxos`: the built-in Multi-Paxos key-value store (dbs/paxos/node.ts), Maelstrom's
// lin-kv over N node processes (default 5) behind the fault-injecting Maelstrom router.

import { PAXOS_BUGS } from './bugs.js';
import { defineBuiltinDb } from '../builtin/register.js';

defineBuiltinDb({
  name: 'paxos',
  doc: 'built-in Multi-Paxos replicated key-value store (linearizable unless a --bug is switched on)',
  program: new URL('./node.js', import.meta.url),
  workloads: ['register', 'lin-kv'],
  bugs: PAXOS_BUGS,
  defaultNodes: 5,
  raftStatus: true,
});

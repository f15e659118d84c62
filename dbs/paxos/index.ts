// Db plugin `paxos`: the built-in Multi-Paxos key-value store (dbs/paxos/node.ts), Maelstrom's
// lin-kv over N node processes (default 5) behind the fault-injecting Maelstrom router.
//
// Its defaults aim the run at what breaks consensus: crashes of a majority or of every node (an
// acceptor that forgets its promises only loses chosen values when the ones that formed a quorum
// all forget) and of the leader (a leader change is where phase 1 must recover accepted values),
// and keys that live across several fault cycles (2 threads on each of 5 keys at a time, 2,000 ops
// a key: ~15 s at 700 ops/s), so that a value lost in a crash or a leader change is read back
// afterwards. Registers retired before the fault (100 ops: a fraction of a second) never show it.

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
  workloadDefaults: () => ({ 'ops-per-key': '2000', 'threads-per-key': '2' }),
  nemesisDefaults: { kill: 'majority+all+primaries' },
});

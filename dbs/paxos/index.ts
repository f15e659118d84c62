// Db plugin `paxos`: the built-in Multi-Paxos key-value store (dbs/paxos/node.ts), Maelstrom's
// lin-kv over N node processes (default 5) behind the fault-injecting Maelstrom router.
//
// Its defaults aim the run at what breaks consensus, as a user hunting such bugs would: kills of a
// majority or of every node (`kill=majority+all`; a quorum system shrugs off minority kills, an
// acceptor that forgets its promises loses chosen values only when enough acceptors forget at
// once, and each such kill takes the leader most of the time, so a new leader must recover
// accepted values through phase 1), and keys that live across several fault cycles (2 threads on
// each of 5 keys at a time, 2,000 ops a key), so that a value lost in a crash or a leader change
// is read back afterwards; with 100 ops a key (the workload's default) the registers in use at a
// crash were retired before the cluster came back.

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
  nemesisDefaults: { kill: 'majority+all' },
});

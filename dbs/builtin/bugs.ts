// The documented bugs of the built-in nodes, by name (shared by the node programs, which switch
// them on, and the Db plugins, which validate `--bug` and list them in `faultline` help).

export const RAFT_BUGS: Readonly<Record<string, string>> = {
  'stale-read':
    'the leader answers reads from its local state without confirming it still leads; cut off from the majority it refuses writes but keeps serving reads: stale reads under partitions',
  'early-ack':
    'the leader acknowledges writes, cas and adds once they are in its log in memory, writes them to disk and ships them to followers lazily (every second), and keeps acknowledging when cut off from the majority: acknowledged writes are lost under kills or partitions',
};

export const GOSSIP_BUGS: Readonly<Record<string, string>> = {
  'lose-updates':
    'about one update in eight is acknowledged, visible on its node for a moment, then forgotten for good (never gossiped, never persisted)',
};

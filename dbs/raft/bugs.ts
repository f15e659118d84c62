// The documented bugs of the built-in Raft node, by name: the node program switches them on, the
// db plugin validates `--bug` and lists them in help.

export const RAFT_BUGS: Readonly<Record<string, string>> = {
  'stale-read':
    'the leader answers reads from its local state without confirming it still leads; cut off from the majority it refuses writes but keeps serving reads: stale reads under partitions',
  'early-ack':
    'the leader acknowledges writes, cas and adds once they are in its log in memory, writes them to disk and ships them to followers lazily (every second), and keeps acknowledging when cut off from the majority: acknowledged writes are lost under kills or partitions',
};

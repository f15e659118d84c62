// Redis topologies and their configuration files: `single` (one primary), `replicated` (n1 the
// primary, the others its replicas), `sentinel` (the same, plus a Sentinel on every node watching
// the primary, quorum a majority of them), `redlock` (N independent primaries). Persistence is the
// append-only file with the chosen fsync policy, so a killed node restarts with what it had synced.

export const TOPOLOGIES = ['single', 'replicated', 'sentinel', 'redlock'] as const;
export type Topology = (typeof TOPOLOGIES)[number];
export const REDIS_PORT = 6379;
export const SENTINEL_PORT = 26379;
export const MASTER_NAME = 'faultline';
export const DATA = '/var/lib/faultline/data';

/** The settings the files depend on (the db's options). */
export interface TopologySettings {
  topology: string;
  appendfsync: string;
  'down-after-ms': number;
  'failover-timeout-ms': number;
}

/** Whether the node starts as a replica of n1 (the initial primary). */
export function startsAsReplica(s: TopologySettings, nodes: readonly string[], node: string): boolean {
  return (s.topology === 'replicated' || s.topology === 'sentinel') && node !== nodes[0];
}

export function redisConf(s: TopologySettings, nodes: readonly string[], addresses: Readonly<Record<string, string>>, node: string): string {
  return [
    'bind 0.0.0.0',
    'protected-mode no',
    `port ${REDIS_PORT}`,
    `dir ${DATA}`,
    'appendonly yes',
    `appendfsync ${s.appendfsync}`,
    'save ""',
    // Replication is asynchronous (the documented behaviour under test): no min-replicas guard.
    ...(startsAsReplica(s, nodes, node) ? [`replicaof ${addresses[nodes[0]!]} ${REDIS_PORT}`] : []),
    'repl-timeout 5',
    '',
  ].join('\n');
}

export function sentinelConf(s: TopologySettings, nodes: readonly string[], addresses: Readonly<Record<string, string>>): string {
  const quorum = Math.floor(nodes.length / 2) + 1;
  return [
    'bind 0.0.0.0',
    'protected-mode no',
    `port ${SENTINEL_PORT}`,
    `dir ${DATA}`,
    `logfile ${DATA}/sentinel.log`,
    `sentinel monitor ${MASTER_NAME} ${addresses[nodes[0]!]} ${REDIS_PORT} ${quorum}`,
    `sentinel down-after-milliseconds ${MASTER_NAME} ${s['down-after-ms']}`,
    `sentinel failover-timeout ${MASTER_NAME} ${s['failover-timeout-ms']}`,
    `sentinel parallel-syncs ${MASTER_NAME} 1`,
    '',
  ].join('\n');
}

// Redis's declared `--db-option` settings and the client of each workload on each topology
// (shared by the containers and an existing deployment).

import { FaultlineError } from '../../src/errors.js';
import type { Client } from '../../src/protocols.js';
import { parseOptions, type Parsed } from '../db-options.js';
import { RedisListAppendClient, RedisLockClient, RedisRegisterClient, RedisSetClient, type RedisClientConfig } from './clients.js';
import { RedlockClient } from './redlock.js';
import { MASTER_NAME, TOPOLOGIES, type Topology } from './topology.js';

export const REDIS_WORKLOADS = ['register', 'set', 'list-append', 'lock'] as const;

export const REDIS_OPTIONS = {
  topology: { kind: 'enum', values: TOPOLOGIES, default: 'replicated', doc: 'single, replicated (n1 primary), sentinel (plus a Sentinel per node), redlock (independent primaries, lock only)' },
  'timeout-ms': { kind: 'number', default: 2000, min: 50, doc: 'per-command timeout' },
  'lock-ttl-ms': { kind: 'number', default: 3000, min: 10, doc: 'lease of the lock (PX)' },
  appendfsync: { kind: 'enum', values: ['always', 'everysec', 'no'], default: 'everysec', doc: 'append-only file fsync policy' },
  'down-after-ms': { kind: 'number', default: 2000, min: 100, doc: 'Sentinel down-after-milliseconds' },
  'failover-timeout-ms': { kind: 'number', default: 10000, min: 1000, doc: 'Sentinel failover-timeout' },
  url: { kind: 'string', doc: 'an existing primary redis://host:port (several, comma-separated, with topology=redlock)' },
  sentinels: { kind: 'string', doc: 'existing Sentinels host:port,... (with master-name)' },
  'master-name': { kind: 'string', doc: `the primary's name at existing Sentinels (default ${MASTER_NAME})` },
} as const;
export type RedisSettings = Parsed<typeof REDIS_OPTIONS>;

export function redisSettings(opts: Record<string, string>): RedisSettings {
  const s = parseOptions('redis', REDIS_OPTIONS, opts);
  if (s.url !== undefined && s.sentinels !== undefined) throw new FaultlineError('BAD_ARGUMENT', 'give url or sentinels, not both', '--db-option url');
  return s;
}

/** The client of a workload on a topology, or undefined (Redlock is a lock and nothing else). */
export function redisClient(workload: string, topology: Topology, cfg: RedisClientConfig, instances: readonly string[]): Client | undefined {
  if (topology === 'redlock') return workload === 'lock' ? new RedlockClient({ ...cfg, instances }) : undefined;
  switch (workload) {
    case 'register': return new RedisRegisterClient(cfg);
    case 'set': return new RedisSetClient(cfg);
    case 'list-append': return new RedisListAppendClient(cfg);
    case 'lock': return new RedisLockClient(cfg);
    default: return undefined;
  }
}

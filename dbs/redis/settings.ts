// Redis's declared `--db-option` settings and the client of each workload on each topology
// (shared by the containers and an existing deployment).

import { FaultlineError } from '../../src/errors.js';
import type { Client } from '../../src/protocols.js';
import { opt, parseOptions, type OptionValues } from '../../src/plugin/options.js';
import { RedisListAppendClient, RedisLockClient, RedisRegisterClient, RedisSetClient, type RedisClientConfig } from './clients.js';
import { RedlockClient } from './redlock.js';
import { MASTER_NAME, TOPOLOGIES, type Topology } from './topology.js';

export const REDIS_WORKLOADS = ['register', 'set', 'list-append', 'lock'] as const;

export const REDIS_OPTIONS = {
  topology: opt.enum(TOPOLOGIES, { default: 'replicated', doc: 'single, replicated (n1 primary), sentinel (plus a Sentinel per node), redlock (independent primaries, lock only)' }),
  'timeout-ms': opt.number({ min: 50, default: 2000, unit: 'ms', doc: 'per-command timeout' }),
  'lock-ttl-ms': opt.number({ min: 10, default: 3000, unit: 'ms', doc: 'lease of the lock (PX)' }),
  appendfsync: opt.enum(['always', 'everysec', 'no'], { default: 'everysec', doc: 'append-only file fsync policy' }),
  'down-after-ms': opt.number({ min: 100, default: 2000, unit: 'ms', doc: 'Sentinel down-after-milliseconds' }),
  'failover-timeout-ms': opt.number({ min: 1000, default: 10000, unit: 'ms', doc: 'Sentinel failover-timeout' }),
  url: opt.string({ doc: 'test an existing primary instead (several, comma-separated, with topology=redlock); faults refused', placeholder: 'redis://host:6379' }),
  sentinels: opt.string({ doc: 'test an existing Sentinel deployment instead (with master-name); faults refused', placeholder: 'host:26379,...' }),
  'master-name': opt.string({ doc: `the primary's name at existing Sentinels (default ${MASTER_NAME})` }),
};
export type RedisSettings = OptionValues<typeof REDIS_OPTIONS>;

export function redisSettings(opts: Record<string, string>): RedisSettings {
  const s = parseOptions(REDIS_OPTIONS, opts, { flag: '--db-option', owner: 'db redis' });
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

// Redis's declared `--db-option` settings, and the client of each workload on each topology with
// where its worker finds the primary (the same for nodes faultline runs and an existing deployment).

import { FaultlineError } from '../../src/errors.js';
import type { Client, Test } from '../../src/protocols.js';
import type { Endpoints } from '../../src/docker/container-db.js';
import { opt, parseOptions, type OptionValues } from '../../src/plugin/options.js';
import { RedisListAppendClient, RedisLockClient, RedisRegisterClient, RedisSetClient, type RedisClientConfig } from './clients.js';
import { RedlockClient } from './redlock.js';
import type { Target } from './connection.js';
import { MASTER_NAME, SENTINEL_PORT, TOPOLOGIES, type Topology } from './topology.js';

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

/** Parsed settings from `--db-option` pairs (for driving the db directly, as tests do). */
export function redisSettings(raw: Record<string, string>): RedisSettings {
  return parseOptions(REDIS_OPTIONS, raw, { flag: '--db-option', owner: 'db redis' });
}

/** The topology clients see: an existing deployment given by its Sentinels is a sentinel one. */
export function topologyOf(s: RedisSettings): Topology {
  return s.sentinels !== undefined ? 'sentinel' : (s.topology as Topology);
}

/**
 * Where a worker bound to a node finds the primary: through the Sentinels (its own node's first,
 * as a co-located application asks), its own instance (Redlock), or the fixed primary (the first node).
 */
function targets(db: Endpoints<RedisSettings>, test: Test): (node: string) => Target {
  const s = db.options;
  const at = (n: string) => ({ host: db.endpoint(n).host, port: db.endpoint(n).port });
  if (topologyOf(s) === 'sentinel') {
    // Nodes faultline runs have a Sentinel beside each server; an existing deployment is given by its Sentinels.
    const sentinel = s.sentinels !== undefined ? at : (n: string) => ({ host: db.endpoint(n).host, port: SENTINEL_PORT });
    return (node) => ({ sentinels: [node, ...test.nodes.filter((n) => n !== node)].map(sentinel), name: s['master-name'] ?? MASTER_NAME });
  }
  return (node) => at(topologyOf(s) === 'redlock' ? node : test.nodes[0]!);
}

/** The client of a workload on the db's topology (Redlock is a lock and nothing else). */
export function redisClient(workload: string, db: Endpoints<RedisSettings>, test: Test): Client {
  const s = db.options;
  const cfg: RedisClientConfig = { prefix: `faultline:${test.runId}:`, timeoutMs: s['timeout-ms'], lockTtlMs: s['lock-ttl-ms'], target: targets(db, test) };
  if (topologyOf(s) === 'redlock') {
    if (workload !== 'lock') throw new FaultlineError('UNSUPPORTED', `redis topology redlock has a lock client only, not ${workload}`, '--workload');
    return new RedlockClient({ ...cfg, instances: test.nodes });
  }
  switch (workload) {
    case 'register': return new RedisRegisterClient(cfg);
    case 'set': return new RedisSetClient(cfg);
    case 'list-append': return new RedisListAppendClient(cfg);
    case 'lock': return new RedisLockClient(cfg);
    default: throw new FaultlineError('UNSUPPORTED', `redis has no client for workload ${workload}`, '--workload');
  }
}

// The Redis suite: Debian's redis-server 7.0 in containers (or on machines over SSH) in one of four
// topologies (topology.ts): single, replicated, sentinel (clients find the primary through
// Sentinel, as ioredis does) and redlock (independent primaries). Workloads: register, set,
// list-append, lock (SET NX PX on the primary; Redlock on `redlock`). Faults come from the system
// layer; primaries are the nodes whose INFO says role:master (after a failover, the promoted
// replica, and for a while the isolated old primary too). Clock faults are refused (see
// CLOCK_REFUSED). Or an existing deployment by address (url=..., sentinels=...).

import { FaultlineError } from '../../src/errors.js';
import type { Test } from '../../src/protocols.js';
import { systemDb } from '../../src/system-db.js';
import { ExternalDb, parseAddresses, type ExternalNode } from '../../src/external-db.js';
import { defineDb } from '../../src/plugin/registry.js';
import type { NodeExec, SystemSpec } from '../../src/system.js';
import { DATA, MASTER_NAME, REDIS_PORT, redisConf, SENTINEL_PORT, sentinelConf } from './topology.js';
import { REDIS_OPTIONS, redisClient, topologyOf, type RedisSettings } from './settings.js';
import { redisPrimaries } from './roles.js';
import { openRedis } from './connection.js';

/**
 * Why clock faults are refused: Debian's redis-server is linked with jemalloc. Under libfaketime
 * (0.9.10) jemalloc's initialisation calls clock_gettime while it holds its init mutex; that first
 * call initialises libfaketime, whose dlsym(RTLD_NEXT, "__ftime") fails on glibc 2.36, and glibc
 * allocates the error message with malloc, i.e. jemalloc, which blocks on the mutex its own caller
 * holds: the server deadlocks on a futex before it listens (seen with gdb; preload order and
 * MALLOC_CONF do not avoid it).
 */
/** Configuration files (Sentinel rewrites its own). */
const CONF = '/etc/faultline/redis';

export const CLOCK_REFUSED =
  "redis-server 7.0 deadlocks at start under libfaketime: jemalloc's init calls clock_gettime holding its mutex, libfaketime's lazy init then fails a dlsym (__ftime) whose error message glibc allocates with jemalloc's malloc, which waits on that same mutex";

/** Every Sentinel must know the replicas and the other Sentinels before faults: else no failover can happen. */
async function waitForSentinels(nodes: NodeExec, test: Test): Promise<void> {
  const deadline = Date.now() + 45_000;
  const want = nodes.nodes.length - 1;
  for (const node of nodes.nodes) {
    for (;;) {
      const r = await nodes.exec(node, ['redis-cli', '-p', String(SENTINEL_PORT), 'sentinel', 'master', MASTER_NAME], 5000);
      const field = (k: string) => Number(new RegExp(`^${k}\\n(\\d+)`, 'm').exec(r.stdout)?.[1] ?? -1);
      if (field('num-slaves') >= want && field('num-other-sentinels') >= want) break;
      if (test.signal.aborted) throw new FaultlineError('INTERRUPTED', 'interrupted during setup');
      if (Date.now() > deadline) throw new FaultlineError('UNREACHABLE', `Sentinel does not see ${want} replicas and ${want} other Sentinels: ${r.stdout.replace(/\n/g, ' ').slice(0, 300)}`, node);
      await new Promise((res) => setTimeout(res, 250));
    }
  }
}

export const redisSystem: SystemSpec<RedisSettings> = {
  name: 'redis',
  packages: ['redis-server', 'redis-sentinel', 'redis-tools'],
  clientPort: REDIS_PORT,
  dataPath: DATA,
  // What the storage faults (power, bitflip/truncate) aim at, relative to dataPath.
  dataFiles: { aof: 'appendonlydir/*.aof', rdb: 'dump.rdb' },
  // Written before the first start only: Sentinel and REPLICAOF rewrite them after a failover, and a
  // node restarted after a kill comes back with what it last knew.
  files: ({ node, nodes, addresses, options: o }) => ({
    // Outside the data directory: under power faults lazyfs is mounted over it after these are put in.
    [`${CONF}/redis.conf`]: redisConf(o, nodes, addresses, node),
    ...(o.topology === 'sentinel' ? { [`${CONF}/sentinel.conf`]: sentinelConf(o, nodes, addresses) } : {}),
  }),
  // With Sentinel, one beside each server, as deployments co-locate them.
  command: ({ options: o }) => o.topology === 'sentinel'
    ? ['sh', '-c', 'redis-sentinel "$1/sentinel.conf" & exec redis-server "$1/redis.conf"', 'sh', CONF]
    : ['redis-server', `${CONF}/redis.conf`],
  wait: { command: ['redis-cli', '-p', String(REDIS_PORT), 'ping'] },
  afterStart: (nodes, test, o) => (o.topology === 'sentinel' ? waitForSentinels(nodes, test) : Promise.resolve()),
  // Every Redlock instance is a primary: none is "the" primary.
  primaries: async (nodes, _test, o) => (o.topology === 'redlock' ? [] : redisPrimaries(nodes.nodes, (n) => ({ host: nodes.address(n), port: REDIS_PORT }))),
  clock: { unsupported: CLOCK_REFUSED },
  logFiles: [`${DATA}/sentinel.log`],
};

/** An existing deployment's addresses: its primaries (url=) or its Sentinels (sentinels=). */
function existing(o: RedisSettings): ExternalNode[] | undefined {
  if (o.url !== undefined && o.sentinels !== undefined) throw new FaultlineError('BAD_ARGUMENT', 'give url or sentinels, not both', '--db-option url');
  if (o.sentinels !== undefined) return parseAddresses(o.sentinels, { where: '--db-option sentinels', defaultPort: SENTINEL_PORT });
  if (o.url === undefined) return undefined;
  if (o.topology === 'sentinel') throw new FaultlineError('BAD_ARGUMENT', 'topology sentinel needs sentinels=..., not url', '--db-option url');
  const nodes = parseAddresses(o.url, { where: '--db-option url', defaultPort: REDIS_PORT, schemes: ['redis'] });
  if (o.topology !== 'redlock' && nodes.length !== 1) throw new FaultlineError('BAD_ARGUMENT', `one url names the primary (several only with topology=redlock), got ${nodes.length}`, '--db-option url');
  return nodes;
}

defineDb({
  name: 'redis',
  doc: "Redis 7.0 (Debian's) in containers: topology=single|replicated|sentinel|redlock; or an existing deployment (url=..., sentinels=...)",
  options: REDIS_OPTIONS,
  defaultNodes: 3,
  system: redisSystem,
  nodeNames: ({ options: o }) => existing(o)?.map((e) => e.node) ?? (o.topology === 'single' ? ['n1'] : undefined),
  create: ({ options: o, nodes: count, ssh }) => {
    const nodes = existing(o);
    if (!nodes) {
      if (o.topology === 'sentinel' && count < 3) throw new FaultlineError('BAD_ARGUMENT', 'topology sentinel needs at least 3 nodes (a Sentinel quorum)', '--nodes');
      return systemDb(redisSystem, { options: o, ssh });
    }
    const name = o['master-name'] ?? MASTER_NAME;
    return new ExternalDb({
      name: 'redis', nodes, options: o, timeoutMs: o['timeout-ms'],
      // Each address must answer (through Sentinel: name a reachable primary).
      probe: async (e) => {
        const r = await openRedis(o.sentinels !== undefined ? { sentinels: [{ host: e.host, port: e.port }], name } : { host: e.host, port: e.port }, o['timeout-ms']);
        await r.ping().finally(() => r.disconnect());
      },
      ...(topologyOf(o) === 'redlock' || o.sentinels !== undefined ? {} : { primaries: (db: ExternalDb<RedisSettings>, test: Test) => redisPrimaries(test.nodes, (n) => db.endpoint(n)) }),
    });
  },
  clients: {
    register: (db, test) => redisClient('register', db, test),
    set: (db, test) => redisClient('set', db, test),
    'list-append': (db, test) => redisClient('list-append', db, test),
    lock: (db, test) => redisClient('lock', db, test),
  },
});

// The Redis suite: Debian's redis-server 7.0 in Docker containers, in one of four topologies
// (topology.ts): single, replicated, sentinel (clients find the primary through Sentinel, as
// ioredis does) and redlock (independent primaries). Workloads: register, set, list-append, lock
// (SET NX PX on the primary; Redlock on `redlock`). Faults: network, kill/start, pause/resume;
// primaries are the nodes whose INFO says role:master (after a failover, the promoted replica,
// and for a while the isolated old primary too). Clock faults are refused (see REDIS_CLOCK).
// Or an existing deployment by address (url=..., sentinels=...; external.ts).

import { join } from 'node:path';
import { FaultlineError } from '../../src/errors.js';
import type { Client, Clock, Db, Net, Test } from '../../src/protocols.js';
import { DockerCluster } from '../../src/docker/cluster.js';
import { ensureSystemImage } from '../../src/docker/images.js';
import { DockerNet } from '../../src/docker/net.js';
import { layoutForFaults, type NodeLayoutNeeds } from '../../src/docker/node-layout.js';
import { ClusterStorage } from '../../src/docker/storage.js';
import { lazyNet } from '../../src/docker/lazy-net.js';
import { defineDb } from '../registry.js';
import type { RedisClientConfig } from './clients.js';
import { DATA, MASTER_NAME, REDIS_PORT, redisConf, SENTINEL_PORT, sentinelConf, type Topology } from './topology.js';
import { REDIS_OPTIONS, redisClient, redisSettings, type RedisSettings } from './settings.js';
import { redisPrimaries } from './roles.js';
import { externalNodeNames, RedisExternalDb } from './external.js';

/**
 * Why clock faults are refused: Debian's redis-server is linked with jemalloc. Under libfaketime
 * (0.9.10) jemalloc's initialisation calls clock_gettime while it holds its init mutex; that first
 * call initialises libfaketime, whose dlsym(RTLD_NEXT, "__ftime") fails on glibc 2.36, and glibc
 * allocates the error message with malloc, i.e. jemalloc, which blocks on the mutex its own caller
 * holds: the server deadlocks on a futex before it listens (seen with gdb; preload order and
 * MALLOC_CONF do not avoid it).
 */
export const REDIS_CLOCK: Clock = {
  supported: false,
  reason:
    "redis-server 7.0 deadlocks at start under libfaketime: jemalloc's init calls clock_gettime holding its mutex, libfaketime's lazy init then fails a dlsym (__ftime) whose error message glibc allocates with jemalloc's malloc, which waits on that same mutex",
  bump: () => Promise.reject(new FaultlineError('UNSUPPORTED', `clock faults: ${REDIS_CLOCK.reason}`, 'redis')),
  reset: () => Promise.reject(new FaultlineError('UNSUPPORTED', `clock faults: ${REDIS_CLOCK.reason}`, 'redis')),
};

export class RedisDb implements Db {
  readonly name = 'redis';
  readonly clock = REDIS_CLOCK;
  private cluster?: DockerCluster;
  private dnet?: DockerNet;
  private logsCollected = false;
  /** Storage faults (power on lazyfs, corruption of these files, a full disk): the container layer's. */
  readonly storage = new ClusterStorage(() => this.c(), { aof: 'appendonlydir/*.aof', rdb: 'dump.rdb' });
  private layout: NodeLayoutNeeds = {};

  prepareFaults(capabilities: readonly string[], options: Readonly<Record<string, unknown>>): void {
    this.layout = layoutForFaults(capabilities, options);
  }

  constructor(readonly settings: RedisSettings) {}

  get topology(): Topology {
    return this.settings.topology as Topology;
  }

  async setup(test: Test): Promise<void> {
    const t = this.topology;
    if (t === 'single' && test.nodes.length !== 1) throw new FaultlineError('BAD_ARGUMENT', `topology single has one node, not ${test.nodes.length}`, '--nodes');
    if (t === 'sentinel' && test.nodes.length < 3) throw new FaultlineError('BAD_ARGUMENT', 'topology sentinel needs at least 3 nodes (a Sentinel quorum)', '--nodes');
    const image = await ensureSystemImage('redis', { log: test.log });
    const ts = { topology: t, appendfsync: this.settings.appendfsync, downAfterMs: this.settings['down-after-ms'], failoverTimeoutMs: this.settings['failover-timeout-ms'] };
    const cluster = new DockerCluster({
      runId: test.runId,
      image,
      nodes: test.nodes,
      command: () => ['redis-start'],
      env: (node, ips) => ({
        REDIS_CONF: redisConf(ts, test.nodes, ips, node),
        ...(t === 'sentinel' ? { SENTINEL_CONF: sentinelConf(ts, test.nodes, ips) } : {}),
      }),
      dataPath: DATA,
      layout: this.layout,
      wait: { command: ['redis-cli', '-p', String(REDIS_PORT), 'ping'] },
      readyTimeoutMs: 60_000,
      onStart: async (node) => this.dnet?.reapply(node),
      log: test.log,
    });
    this.cluster = cluster;
    this.dnet = new DockerNet(cluster);
    this.logsCollected = false;
    await cluster.up();
    if (t === 'sentinel') await this.waitForSentinels(test);
  }

  /** Every Sentinel must know the replicas and the other Sentinels before faults: else no failover can happen. */
  private async waitForSentinels(test: Test): Promise<void> {
    const deadline = Date.now() + 45_000;
    const want = test.nodes.length - 1;
    for (const node of test.nodes) {
      for (;;) {
        const r = await this.c().exec(node, ['redis-cli', '-p', String(SENTINEL_PORT), 'sentinel', 'master', MASTER_NAME], 5000);
        const field = (k: string) => Number(new RegExp(`^${k}\\n(\\d+)`, 'm').exec(r.stdout)?.[1] ?? -1);
        if (field('num-slaves') >= want && field('num-other-sentinels') >= want) break;
        if (Date.now() > deadline) throw new FaultlineError('UNREACHABLE', `Sentinel does not see ${want} replicas and ${want} other Sentinels: ${r.stdout.replace(/\n/g, ' ').slice(0, 300)}`, node);
        await new Promise((res) => setTimeout(res, 250));
      }
    }
  }

  async teardown(test: Test): Promise<void> {
    if (!this.cluster) return;
    if (!this.logsCollected && test.dir) await this.collectLogs(test, join(test.dir, 'nodes')).catch((e) => test.log.warn(`redis: collecting logs failed: ${(e as Error).message}`));
    await this.cluster.down();
  }

  private c(): DockerCluster {
    if (!this.cluster) throw new FaultlineError('INTERNAL', 'redis cluster used before setup');
    return this.cluster;
  }

  /** redis://ip:port of a node (its server, not its Sentinel). */
  url(node: string): string {
    return `redis://${this.c().ip(node)}:${REDIS_PORT}`;
  }

  client(workload: string, test: Test): Client | undefined {
    const nodes = test.nodes;
    const cfg: RedisClientConfig = {
      prefix: `faultline:${test.runId}:`,
      timeoutMs: this.settings['timeout-ms'],
      lockTtlMs: this.settings['lock-ttl-ms'],
      target: (node) => {
        const ip = (n: string) => this.c().ip(n);
        if (this.topology === 'sentinel') {
          // This client's own node's Sentinel first: it asks the Sentinel beside it, as a co-located app would.
          const order = [node, ...nodes.filter((n) => n !== node)];
          return { sentinels: order.map((n) => ({ host: ip(n), port: SENTINEL_PORT })), name: MASTER_NAME };
        }
        // Redlock: each instance; otherwise the (fixed) primary n1.
        return { host: ip(this.topology === 'redlock' ? node : nodes[0]!), port: REDIS_PORT };
      },
    };
    return redisClient(workload, this.topology, cfg, nodes);
  }

  readonly net: Net = lazyNet(() => this.dnet);

  kill(_test: Test, node: string): Promise<void> {
    return this.c().kill(node);
  }

  start(_test: Test, node: string): Promise<void> {
    return this.c().start(node);
  }

  pause(_test: Test, node: string): Promise<void> {
    return this.c().pause(node);
  }

  resume(_test: Test, node: string): Promise<void> {
    return this.c().resume(node);
  }

  async primaries(test: Test): Promise<string[]> {
    if (this.topology === 'redlock') return []; // every instance is a primary: none is "the" primary
    return redisPrimaries(test.nodes, (n) => ({ host: this.c().ip(n), port: REDIS_PORT }));
  }

  async collectLogs(_test: Test, dir: string): Promise<string[]> {
    const paths = await this.c().copyLogs(dir);
    this.logsCollected = true;
    return paths;
  }
}

const redisClients = Object.fromEntries(
  (['register', 'set', 'list-append', 'lock'] as const).map((w) => [w, (db: RedisDb | RedisExternalDb, test: Test): Client => {
    const c = db.client(w, test);
    if (!c) throw new FaultlineError('UNSUPPORTED', `redis topology redlock has a lock client only, not ${w}`, '--workload');
    return c;
  }]),
);

defineDb({
  name: 'redis',
  doc: "Redis 7.0 (Debian's) in containers: topology=single|replicated|sentinel|redlock; or an existing deployment (url=..., sentinels=...)",
  options: REDIS_OPTIONS,
  defaultNodes: 3,
  create: ({ options: o }) => {
    const s = redisSettings(o as unknown as Record<string, string>);
    return s.url === undefined && s.sentinels === undefined ? new RedisDb(s) : new RedisExternalDb(s);
  },
  nodeNames: ({ options: o }) => {
    if (o.url !== undefined || o.sentinels !== undefined) return externalNodeNames(o);
    return o.topology === 'single' ? ['n1'] : undefined;
  },
  clients: redisClients,
});

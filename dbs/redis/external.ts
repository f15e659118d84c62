// A Redis deployment that already runs, given by address: `url=redis://host:port` (a primary;
// several, comma-separated, with topology=redlock) or `sentinels=host:26379,...` (clients find the
// primary `master-name` through them). faultline starts, stops, partitions and skews nothing
// there: the Db has no kill, pause, net or clock, so every fault is refused before the run starts.
// Keys live under faultline:<run id>:.

import { FaultlineError } from '../../src/errors.js';
import type { Client, Db, Test } from '../../src/protocols.js';
import { parseHostList, type HostPort } from '../addresses.js';
import { openRedis, message, type Target } from './connection.js';
import { redisClient, type RedisSettings } from './settings.js';
import { MASTER_NAME, REDIS_PORT, SENTINEL_PORT, type Topology } from './topology.js';
import { redisPrimaries } from './roles.js';

/** redis://host:port[,redis://...] as node addresses n1, n2, ... */
export function parseRedisUrls(s: string): HostPort[] {
  return s.split(',').map((x) => x.trim()).filter(Boolean).map((u, i) => {
    let url: URL;
    try {
      url = new URL(u);
    } catch {
      throw new FaultlineError('BAD_ARGUMENT', `'${u}' is not a URL (expected redis://host:port)`, `--db-option url (n${i + 1})`);
    }
    if (url.protocol !== 'redis:' || !url.hostname) throw new FaultlineError('BAD_ARGUMENT', `'${u}' is not a redis://host:port URL`, `--db-option url (n${i + 1})`);
    return { node: `n${i + 1}`, host: url.hostname.replace(/^\[|\]$/g, ''), port: url.port ? Number(url.port) : REDIS_PORT };
  });
}

function addresses(s: RedisSettings): HostPort[] {
  return s.url !== undefined ? parseRedisUrls(s.url) : parseHostList(s.sentinels ?? '', 'sentinels', SENTINEL_PORT);
}

export function externalNodeNames(s: RedisSettings): string[] {
  return addresses(s).map((h) => h.node);
}

export class RedisExternalDb implements Db {
  readonly name = 'redis (existing deployment)';
  private readonly hosts: HostPort[];
  private readonly topology: Topology;

  constructor(private readonly settings: RedisSettings) {
    this.hosts = addresses(settings);
    this.topology = settings.sentinels !== undefined ? 'sentinel' : (settings.topology as Topology);
    if (settings.url !== undefined && this.topology !== 'redlock' && this.hosts.length !== 1) {
      throw new FaultlineError('BAD_ARGUMENT', `one url names the primary (several only with topology=redlock), got ${this.hosts.length}`, '--db-option url');
    }
    if (settings.url !== undefined && this.topology === 'sentinel') throw new FaultlineError('BAD_ARGUMENT', 'topology sentinel needs sentinels=..., not url', '--db-option url');
  }

  private host(node: string): HostPort {
    const h = this.hosts.find((x) => x.node === node);
    if (!h) throw new FaultlineError('BAD_ARGUMENT', `no address for node ${node}`, this.settings.url !== undefined ? '--db-option url' : '--db-option sentinels');
    return h;
  }

  private target(node: string): Target {
    if (this.settings.sentinels === undefined) return { host: this.host(node).host, port: this.host(node).port };
    const own = this.host(node);
    return { sentinels: [own, ...this.hosts.filter((h) => h !== own)].map((h) => ({ host: h.host, port: h.port })), name: this.settings['master-name'] ?? MASTER_NAME };
  }

  /** Each address must answer (through Sentinel: name a reachable primary): an unreachable one is named. */
  async setup(test: Test): Promise<void> {
    await Promise.all(
      test.nodes.map(async (node) => {
        try {
          const r = await openRedis(this.target(node), this.settings['timeout-ms']);
          await r.ping();
          r.disconnect();
        } catch (e) {
          throw new FaultlineError('UNREACHABLE', message(e), `node ${node}`);
        }
      }),
    );
  }

  async teardown(): Promise<void> {
    // Nothing was started; the run's keys stay under their prefix.
  }

  client(workload: string, test: Test): Client | undefined {
    const cfg = { prefix: `faultline:${test.runId}:`, timeoutMs: this.settings['timeout-ms'], lockTtlMs: this.settings['lock-ttl-ms'], target: (n: string) => this.target(n) };
    return redisClient(workload, this.topology, cfg, test.nodes);
  }

  async primaries(test: Test): Promise<string[]> {
    if (this.settings.sentinels !== undefined || this.topology === 'redlock') return [];
    return redisPrimaries(test.nodes, (n) => this.host(n));
  }
}

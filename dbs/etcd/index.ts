// The etcd suite: Debian's etcd-server 3.4 in Docker containers, 3 or 5 nodes, with clients
// bound to one node each (register, set, lock, list-append) and every container fault: network
// (partitions, loss, rate limits), kill/start, pause/resume. Clock faults are refused: etcd is a
// Go program and reads the clock without libc, so libfaketime cannot skew it.
// --db-option: reads=linearizable|serializable, timeout-ms=N, lock-ttl=S, heartbeat-ms, election-ms,
// endpoints=n1=URL,... (an existing cluster: see etcd-external.ts).

import { join } from 'node:path';
import { FaultlineError } from '../../src/errors.js';
import type { Client, Clock, Db, Net, Test } from '../../src/protocols.js';
import { DockerCluster } from '../../src/docker/cluster.js';
import { ensureSystemImage } from '../../src/docker/images.js';
import { DockerNet } from '../../src/docker/net.js';
import { registerDb, type DbOptions } from '../registry.js';
import { EtcdExternalDb, parseEndpoints } from './external.js';
import {
  connectEtcd,
  EtcdListAppendClient,
  EtcdRegisterClient,
  EtcdSetClient,
  type EtcdClientConfig,
} from './clients.js';
import { EtcdLockClient } from './lease-lock.js';

export const ETCD_WORKLOADS = ['register', 'set', 'lock', 'list-append'] as const;
const CLIENT_PORT = 2379;
const PEER_PORT = 2380;
const DATA = '/var/lib/faultline/data';
const CLOSE_GRACE_MS = 1500;
/** etcd's /health body once the member sees a leader and can serve. */
export const ETCD_HEALTHY = /"health":\s*"true"/;

export interface EtcdSettings {
  reads: 'linearizable' | 'serializable';
  timeoutMs: number;
  lockTtlS: number;
  heartbeatMs: number;
  electionMs: number;
}

/** Parses and checks `--db-option` values; unknown keys are refused, naming the option. */
export function etcdSettings(opts: Record<string, string>): EtcdSettings {
  const known = new Set(['reads', 'timeout-ms', 'lock-ttl', 'heartbeat-ms', 'election-ms', 'endpoints']);
  for (const k of Object.keys(opts)) {
    if (!known.has(k)) throw new FaultlineError('BAD_ARGUMENT', `unknown etcd option '${k}' (known: ${[...known].join(', ')})`, `--db-option ${k}`);
  }
  const reads = opts.reads ?? 'linearizable';
  if (reads !== 'linearizable' && reads !== 'serializable') {
    throw new FaultlineError('BAD_ARGUMENT', `reads must be linearizable or serializable, got '${reads}'`, '--db-option reads');
  }
  const num = (k: string, def: number, min: number): number => {
    const v = opts[k] === undefined ? def : Number(opts[k]);
    if (!Number.isFinite(v) || v < min) throw new FaultlineError('BAD_ARGUMENT', `${k} must be a number >= ${min}, got '${opts[k]}'`, `--db-option ${k}`);
    return v;
  };
  return {
    reads,
    timeoutMs: num('timeout-ms', 5000, 100),
    lockTtlS: num('lock-ttl', 5, 1),
    heartbeatMs: num('heartbeat-ms', 100, 10),
    electionMs: num('election-ms', 1000, 50),
  };
}

/** The client of a workload, or undefined if etcd has none for it. */
export function etcdClient(workload: string, cfg: EtcdClientConfig): Client | undefined {
  switch (workload) {
    case 'register':
      return new EtcdRegisterClient(cfg);
    case 'set':
      return new EtcdSetClient(cfg);
    case 'lock':
      return new EtcdLockClient(cfg);
    case 'list-append':
      return new EtcdListAppendClient(cfg);
    default:
      return undefined;
  }
}

/** Nodes whose status says they lead (a partitioned old leader may still say so). */
export async function etcdLeaders(nodes: readonly string[], endpoint: (node: string) => string): Promise<string[]> {
  const out: string[] = [];
  await Promise.all(
    nodes.map(async (node) => {
      const c = connectEtcd(endpoint(node), 1000);
      try {
        const s = await c.maintenance.status();
        if (s.leader !== '0' && s.leader === s.header.member_id) out.push(node);
      } catch {
        // down, paused or cut off: it cannot be asked, so it is not named
      } finally {
        c.close();
      }
    }),
  );
  return out.sort();
}

const goClock: Clock = {
  supported: false,
  reason: 'etcd is written in Go and reads the clock through the vDSO/syscalls, not libc, so libfaketime cannot skew it',
  bump: () => Promise.reject(new FaultlineError('UNSUPPORTED', `clock faults: ${goClock.reason}`, 'etcd')),
  reset: () => Promise.reject(new FaultlineError('UNSUPPORTED', `clock faults: ${goClock.reason}`, 'etcd')),
};

export class EtcdDb implements Db {
  readonly name = 'etcd';
  readonly clock = goClock;
  readonly settings: EtcdSettings;
  private cluster?: DockerCluster;
  private dnet?: DockerNet;
  private logsCollected = false;

  constructor(dbOptions: Record<string, string>) {
    this.settings = etcdSettings(dbOptions);
  }

  /** The etcd command line of one node; on restart etcd ignores the initial-cluster flags and uses its data dir. */
  command(test: Test, node: string, ips: Readonly<Record<string, string>>): string[] {
    const initial = test.nodes.map((n) => `${n}=http://${ips[n]}:${PEER_PORT}`).join(',');
    const ip = ips[node]!;
    return [
      'etcd',
      '--name', node,
      '--data-dir', `${DATA}/etcd`,
      '--listen-client-urls', `http://0.0.0.0:${CLIENT_PORT}`,
      '--advertise-client-urls', `http://${ip}:${CLIENT_PORT}`,
      '--listen-peer-urls', `http://0.0.0.0:${PEER_PORT}`,
      '--initial-advertise-peer-urls', `http://${ip}:${PEER_PORT}`,
      '--initial-cluster', initial,
      '--initial-cluster-state', 'new',
      '--initial-cluster-token', `faultline-${test.runId}`,
      '--heartbeat-interval', String(this.settings.heartbeatMs),
      '--election-timeout', String(this.settings.electionMs),
      '--logger', 'zap',
      '--log-outputs', 'stderr',
    ];
  }

  async setup(test: Test): Promise<void> {
    if (test.nodes.length < 1) throw new FaultlineError('BAD_ARGUMENT', 'etcd needs at least one node', '--nodes');
    const image = await ensureSystemImage('etcd', { log: test.log });
    const cluster = new DockerCluster({
      runId: test.runId,
      image,
      nodes: test.nodes,
      command: (node, ips) => this.command(test, node, ips),
      dataPath: DATA,
      // /health answers true only once the member sees a leader and can serve.
      wait: { http: { port: CLIENT_PORT, path: '/health', body: ETCD_HEALTHY } },
      readyTimeoutMs: 60_000,
      onStart: async (node) => this.dnet?.reapply(node),
      // gRPC channels that etcd3 closes while still connecting keep trying for a moment: let those
      // connects fail fast on the bridge rather than hang on a vanished route (see down()).
      networkLingerMs: 3500,
      log: test.log,
    });
    this.cluster = cluster;
    this.dnet = new DockerNet(cluster);
    this.logsCollected = false;
    await cluster.up();
  }

  async teardown(test: Test): Promise<void> {
    if (!this.cluster) return;
    // Logs are evidence: keep them even when the run ends early.
    if (!this.logsCollected && test.dir) await this.collectLogs(test, join(test.dir, 'nodes')).catch((e) => test.log.warn(`etcd: collecting logs failed: ${(e as Error).message}`));
    // etcd3 closes a channel that is still connecting only after up to 1 s (a grpc-js workaround).
    // Let those closes happen while the nodes still answer.
    await new Promise((r) => setTimeout(r, CLOSE_GRACE_MS));
    await this.cluster.down();
  }

  private c(): DockerCluster {
    if (!this.cluster) throw new FaultlineError('INTERNAL', 'etcd cluster used before setup');
    return this.cluster;
  }

  endpoint(node: string): string {
    return `http://${this.c().ip(node)}:${CLIENT_PORT}`;
  }

  client(workload: string, _test: Test): Client | undefined {
    return etcdClient(workload, { endpoint: (n) => this.endpoint(n), reads: this.settings.reads, timeoutMs: this.settings.timeoutMs, lockTtlS: this.settings.lockTtlS });
  }

  net(_test: Test): Net | undefined {
    return this.dnet;
  }

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

  primaries(test: Test): Promise<string[]> {
    return etcdLeaders(test.nodes, (n) => this.endpoint(n));
  }

  async collectLogs(_test: Test, dir: string): Promise<string[]> {
    const paths = await this.c().copyLogs(dir);
    this.logsCollected = true;
    return paths;
  }
}

registerDb({
  name: 'etcd',
  description: "etcd 3.4 (Debian's etcd-server) in Docker containers, or an existing cluster (--db-option endpoints=n1=http://host:2379,...); --db-option reads=serializable for non-quorum reads",
  workloads: ETCD_WORKLOADS,
  defaultNodes: 3,
  create: (opts: DbOptions) => {
    const endpoints = opts.dbOptions.endpoints;
    return endpoints === undefined ? new EtcdDb(opts.dbOptions) : new EtcdExternalDb(etcdSettings(opts.dbOptions), parseEndpoints(endpoints));
  },
  nodeNames: (opts: DbOptions) => (opts.dbOptions.endpoints === undefined ? undefined : parseEndpoints(opts.dbOptions.endpoints).map((e) => e.node)),
});

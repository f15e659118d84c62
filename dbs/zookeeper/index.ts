// The ZooKeeper suite: an ensemble of Debian's ZooKeeper 3.8 (3 or 5 nodes) in Docker containers,
// one session per client bound to one server, for register, set, lock and queue. Faults: network
// (partitions, loss, rate), kill/start, pause/resume, and clock (ZooKeeper is a Java server and
// honours libfaketime). The leader is found with the `srvr` four-letter word. Or an existing
// ensemble by address (--db-option hosts=...; see external.ts), where nothing is faulted.

import { join } from 'node:path';
import { FaultlineError } from '../../src/errors.js';
import type { Client, Db, Net, Test } from '../../src/protocols.js';
import { DockerCluster } from '../../src/docker/cluster.js';
import { ensureSystemImage } from '../../src/docker/images.js';
import { DockerNet } from '../../src/docker/net.js';
import { layoutForFaults, type NodeLayoutNeeds } from '../../src/docker/node-layout.js';
import { ClusterStorage } from '../../src/docker/storage.js';
import { lazyNet } from '../../src/docker/lazy-net.js';
import { FAKETIME_ENV, FaketimeClock } from '../../src/docker/faketime.js';
import { defineDb } from '../registry.js';
import { parseHostList } from '../addresses.js';
import { clientConfig, CLIENT_PORT, DATA, ZK_OPTIONS, zkClient, type ZkSettings } from './settings.js';
import { fourLetter, modeOf, zkLeaders } from './four-letter.js';
import { ZkExternalDb } from './external.js';

/** zoo.cfg of the ensemble (the same on every node; each node's id is in its myid file). */
export function zooCfg(nodes: readonly string[], ips: Readonly<Record<string, string>>, s: ZkSettings): string {
  return [
    `tickTime=${s['tick-ms']}`,
    // Generous: on a small shared machine a JVM may need many ticks to load a snapshot and sync.
    'initLimit=30',
    'syncLimit=5',
    `dataDir=${DATA}/zk`,
    `dataLogDir=${DATA}/zk-log`,
    `clientPort=${CLIENT_PORT}`,
    'maxClientCnxns=0',
    'admin.enableServer=false',
    'standaloneEnabled=false',
    '4lw.commands.whitelist=srvr,mntr,stat,ruok,conf,cons',
    ...nodes.map((n, i) => `server.${i + 1}=${ips[n]}:2888:3888;${CLIENT_PORT}`),
  ].join('\n');
}

export class ZookeeperDb implements Db {
  readonly name = 'zookeeper';
  readonly clock = new FaketimeClock(() => this.c());
  private cluster?: DockerCluster;
  private dnet?: DockerNet;
  private logsCollected = false;
  /** Storage faults (power on lazyfs, corruption of these files, a full disk): the container layer's. */
  readonly storage = new ClusterStorage(() => this.c(), { txnlog: 'zk-log/version-2/log.*', snapshot: 'zk/version-2/snapshot.*' });
  private layout: NodeLayoutNeeds = {};

  prepareFaults(capabilities: readonly string[], options: Readonly<Record<string, unknown>>): void {
    this.layout = layoutForFaults(capabilities, options);
  }

  constructor(readonly settings: ZkSettings) {}

  async setup(test: Test): Promise<void> {
    if (test.nodes.length < 1) throw new FaultlineError('BAD_ARGUMENT', 'zookeeper needs at least one node', '--nodes');
    const image = await ensureSystemImage('zookeeper', { log: test.log });
    const cluster = new DockerCluster({
      runId: test.runId,
      image,
      nodes: test.nodes,
      command: () => ['zk-start'],
      env: (node, ips) => ({
        ZK_CFG: zooCfg(test.nodes, ips, this.settings),
        ZK_MYID: String(test.nodes.indexOf(node) + 1),
        ZK_HEAP: `${this.settings['heap-mb']}m`,
        ...FAKETIME_ENV,
      }),
      dataPath: DATA,
      layout: this.layout,
      // The client port opens early; serving (a mode in `srvr`) is awaited below, polled from here.
      wait: { port: CLIENT_PORT },
      readyTimeoutMs: 180_000,
      onStart: async (node) => this.dnet?.reapply(node),
      log: test.log,
    });
    this.cluster = cluster;
    this.dnet = new DockerNet(cluster);
    this.logsCollected = false;
    await cluster.up();
    await this.waitServing(test, 180_000);
  }

  /** Until every server's `srvr` names a mode: it joined a quorum and serves clients. */
  private async waitServing(test: Test, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (const node of test.nodes) {
      let last = '';
      for (;;) {
        try {
          last = await fourLetter(this.c().ip(node), CLIENT_PORT, 'srvr', 2000);
          if (modeOf(last)) break;
        } catch (e) {
          last = (e as Error).message;
        }
        if (test.signal.aborted) throw new FaultlineError('INTERRUPTED', 'interrupted during setup');
        if (Date.now() > deadline) {
          const tail = await this.c().logs(node, 20).catch(() => '');
          throw new FaultlineError('UNREACHABLE', `ZooKeeper does not serve after ${timeoutMs} ms (srvr: ${last.trim().slice(0, 200)}); last log lines:\n${tail}`, node);
        }
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  async teardown(test: Test): Promise<void> {
    if (!this.cluster) return;
    if (!this.logsCollected && test.dir) await this.collectLogs(test, join(test.dir, 'nodes')).catch((e) => test.log.warn(`zookeeper: collecting logs failed: ${(e as Error).message}`));
    await this.cluster.down();
  }

  private c(): DockerCluster {
    if (!this.cluster) throw new FaultlineError('INTERNAL', 'zookeeper cluster used before setup');
    return this.cluster;
  }

  endpoint(node: string): string {
    return `${this.c().ip(node)}:${CLIENT_PORT}`;
  }

  /** The node's server log so far (with Docker's real-time timestamps in front of the server's own). */
  nodeLog(node: string, tail?: number): Promise<string> {
    return this.c().logs(node, tail);
  }

  client(workload: string, test: Test): Client | undefined {
    return zkClient(workload, clientConfig(this.settings, (n) => this.endpoint(n), `/faultline/${test.runId}`));
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

  primaries(test: Test): Promise<string[]> {
    return zkLeaders(test.nodes, (n) => ({ host: this.c().ip(n), port: CLIENT_PORT }));
  }

  async collectLogs(_test: Test, dir: string): Promise<string[]> {
    const paths = await this.c().copyLogs(dir);
    this.logsCollected = true;
    return paths;
  }
}

const zkClients = Object.fromEntries(
  (['register', 'set', 'lock', 'queue'] as const).map((w) => [w, (db: ZookeeperDb | ZkExternalDb, test: Test): Client => db.client(w, test)!]),
);

defineDb({
  name: 'zookeeper',
  doc: "ZooKeeper 3.8 (Debian's) ensemble in containers, or an existing one (hosts=...)",
  options: ZK_OPTIONS,
  defaultNodes: 3,
  nodeNames: ({ options: o }) => (o.hosts === undefined ? undefined : parseHostList(o.hosts, 'hosts', CLIENT_PORT).map((h) => h.node)),
  create: ({ options: o }) => (o.hosts === undefined ? new ZookeeperDb(o) : new ZkExternalDb(o, parseHostList(o.hosts, 'hosts', CLIENT_PORT))),
  clients: zkClients,
});

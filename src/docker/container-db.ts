// The container-database layer (after testcontainers' GenericContainer): a declared system
// (src/system.ts) becomes a Db whose nodes are containers of the system's generated image, on a
// labelled bridge network, with data on volumes. Every capability comes from the layer: network
// partitions, packet loss and rate limits (iptables and tc in each node's netns), kill/start,
// pause/resume, clock skew (libfaketime, or clockshift for servers that bypass libc), storage
// faults (power failures on lazyfs, corrupted files, a full disk: storage.ts), primaries, log
// collection, labels and sweep. A system plugin declares; this file does.

import { join } from 'node:path';
import { FaultlineError } from '../errors.js';
import type { Clock, Db, Net, Test } from '../protocols.js';
import type { NodeContext, NodeExec, SystemSpec } from '../system.js';
import { DockerCluster } from './cluster.js';
import { DockerNet } from './net.js';
import { probedPorts } from './wait.js';
import { faketimeOffset, forwardingNet, systemClock } from '../fault-tools.js';
import { ensureSystemImageFor, FAKETIME_FILE } from './system-image.js';
import { layoutForFaults, type NodeLayoutNeeds } from './node-layout.js';
import { ClusterStorage } from './storage.js';
import type { Storage } from '../storage-faults.js';

/** Where the client port of each node is reached. */
export interface Endpoint {
  host: string;
  port: number;
  /** The address as a user gave it, when it was a URL (an existing cluster's `https://a:2379`). */
  url?: string;
}

/** What clients need from a db whose nodes they connect to, whichever backend runs them. */
export interface Endpoints<O> {
  readonly options: O;
  endpoint(node: string): Endpoint;
  /** The cluster holds others' data (an existing cluster): keep the run's keys under a prefix. */
  readonly shared?: boolean;
}

/** lazyfs's own log inside a node (undo errors are explained there). */
const LAZYFS_LOG = '/var/log/faultline/lazyfs.log';

const LIBFAKETIME = `/usr/lib/${process.arch === 'arm64' ? 'aarch64' : 'x86_64'}-linux-gnu/faketime/libfaketime.so.1`;

/** The environment that makes a node's processes read their wall clock from FAKETIME_FILE. */
export const FAKETIME_ENV: Readonly<Record<string, string>> = {
  LD_PRELOAD: LIBFAKETIME,
  FAKETIME_TIMESTAMP_FILE: FAKETIME_FILE,
  // Re-read the offset file every second; monotonic clocks stay real (an NTP step moves the wall
  // clock only, and a JVM whose monotonic clock jumps is testing the JVM, not the database).
  FAKETIME_CACHE_DURATION: '1',
  FAKETIME_DONT_FAKE_MONOTONIC: '1',
  DONT_FAKE_MONOTONIC: '1',
};

export class ContainerDb<O> implements Db, Endpoints<O> {
  readonly name: string;
  readonly backend = 'containers' as const;
  readonly clock: Clock;
  readonly net: Net;
  readonly primaries?: (test: Test) => Promise<string[]>;
  readonly storage: Storage;
  private cluster?: DockerCluster;
  private dnet?: DockerNet;
  private logsCollected = false;
  private layout: NodeLayoutNeeds = {};

  constructor(
    readonly system: SystemSpec<O>,
    readonly options: O,
  ) {
    this.name = system.name;
    // A healed network ends when the system serves again (its recovery wait, if any).
    const fwd = forwardingNet(() => this.dnet ?? this.notSetUp());
    this.net = { ...fwd, heal: async (t) => { await fwd.heal(t); await this.recovered(t, t.nodes); } };
    this.clock = systemClock(system.clock, async (node, ms) => {
      const r = await this.c().exec(node, ['sh', '-c', 'printf "%s" "$1" > "$2"', 'sh', faketimeOffset(ms), FAKETIME_FILE]);
      if (r.exitCode !== 0) throw new FaultlineError('DOCKER', `could not set the clock offset: ${r.stderr.trim()}`, node);
    });
    if (system.primaries) this.primaries = (test) => system.primaries!(this.nodeExec(), test, options);
    this.storage = new ClusterStorage(() => this.c(), system.dataFiles);
  }

  /** Lays the nodes out for the run's faults (called while planning, before setup). */
  prepareFaults(capabilities: readonly string[], options: Readonly<Record<string, unknown>>): void {
    this.layout = layoutForFaults(capabilities, options, this.system.clock === 'clockshift');
  }

  private notSetUp(): never {
    throw new FaultlineError('INTERNAL', `db ${this.name} used before setup`);
  }

  private c(): DockerCluster {
    return this.cluster ?? this.notSetUp();
  }

  private ctx(node: string, test: Test, ips: Readonly<Record<string, string>>): NodeContext<O> {
    return { node, addresses: ips, nodes: test.nodes, runId: test.runId, options: this.options };
  }

  async setup(test: Test): Promise<void> {
    const s = this.system;
    const image = await ensureSystemImageFor(s as SystemSpec<never>, { log: test.log });
    const cluster = new DockerCluster({
      runId: test.runId,
      image,
      nodes: test.nodes,
      command: (node, ips) => s.command(this.ctx(node, test, ips)),
      env: (node, ips) => ({ ...(s.clock === 'libfaketime' ? FAKETIME_ENV : {}), ...s.env?.(this.ctx(node, test, ips)) }),
      layout: this.layout,
      files: s.files ? (node, ips) => s.files!(this.ctx(node, test, ips)) : undefined,
      dataPath: s.dataPath,
      publish: [...new Set([s.clientPort, ...probedPorts(s.wait)])],
      wait: s.wait,
      readyTimeoutMs: s.readyTimeoutMs ?? 60_000,
      onStart: async (node) => this.dnet?.reapply(node),
      // Connections still being attempted to a removed node then fail fast on the bridge.
      networkLingerMs: s.teardownGraceMs ? s.teardownGraceMs + 2000 : 0,
      log: test.log,
    });
    this.cluster = cluster;
    this.dnet = new DockerNet(cluster);
    this.logsCollected = false;
    await cluster.up();
    await s.afterStart?.(this.nodeExec(), test, this.options);
  }

  async teardown(test: Test): Promise<void> {
    if (!this.cluster) return;
    // Logs are evidence: keep them even when the run ends early.
    if (!this.logsCollected && test.dir) {
      await this.collectLogs(test, join(test.dir, 'nodes')).catch((e) => test.log.warn(`${this.name}: collecting logs failed: ${(e as Error).message}`));
    }
    if (this.system.teardownGraceMs) await new Promise((r) => setTimeout(r, this.system.teardownGraceMs));
    await this.cluster.down();
  }

  endpoint(node: string): Endpoint {
    return this.c().reach(node, this.system.clientPort);
  }

  /** The cluster, for tests and system hooks that need more than the Db protocol. */
  get started(): DockerCluster {
    return this.c();
  }

  /** The nodes as system hooks see them: run a command, know an address. */
  nodeExec(): NodeExec {
    const c = (): DockerCluster => this.c();
    return {
      exec: (node, cmd, timeoutMs) => c().exec(node, cmd, timeoutMs),
      address: (node) => c().ip(node),
      reach: (node, port) => c().reach(node, port),
      get nodes() {
        return c().nodes;
      },
    };
  }

  kill(_test: Test, node: string): Promise<void> {
    return this.c().kill(node);
  }

  async start(test: Test, node: string): Promise<void> {
    await this.c().start(node);
    await this.recovered(test, [node]);
  }

  pause(_test: Test, node: string): Promise<void> {
    return this.c().pause(node);
  }

  async resume(test: Test, node: string): Promise<void> {
    await this.c().resume(node);
    await this.recovered(test, [node]);
  }

  /**
   * The system's recovery wait (SystemSpec.recoveryWaitMs): every running, unpaused node of
   * `nodes` passes the wait strategy again, or the time is up (then a warning, not an error: the
   * fault op has done its part, and what the cluster does next is what the test observes).
   */
  private async recovered(test: Test, nodes: readonly string[]): Promise<void> {
    const ms = this.system.recoveryWaitMs;
    if (!ms) return;
    const c = this.c();
    await Promise.all(
      nodes.map(async (n) => {
        try {
          const s = await c.state(n);
          if (!s.running || s.paused) return;
          await c.waitReady(n, this.system.wait, ms);
        } catch (e) {
          test.log.warn(`${this.name}: ${n} not serving again within ${ms} ms of the fault ending: ${(e as Error).message.split('\n')[0]}`);
        }
      }),
    );
  }

  async collectLogs(_test: Test, dir: string): Promise<string[]> {
    const c = this.c();
    const paths = await c.copyLogs(dir);
    const files = [...(this.system.logFiles ?? []), ...(c.layout.lazyfs ? [LAZYFS_LOG] : [])];
    for (const file of files) paths.push(...(await c.copyFile(file, dir)));
    this.logsCollected = true;
    return paths.sort();
  }
}

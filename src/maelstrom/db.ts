// A faultline Db for any cluster of Maelstrom-protocol processes: the built-in Raft and gossip
// nodes and external `--bin` programs alike. Setup starts the Router and the Cluster; the Net is
// the Router's faults; process faults are the Cluster's signals; clients are MaelstromClients.

import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { FaultlineError } from '../errors.js';
import type { Client, Db, Grudge, Net, Test } from '../protocols.js';
import { MaelstromClient } from './client.js';
import { Cluster } from './cluster.js';
import type { NetRecord } from '../net-facts.js';
import { NetJournal, NET_LOG_FILE } from './net-journal.js';
import { Router, type Latency } from './router.js';
import { startServices } from './services.js';
import { DEFAULT_TOPOLOGY, topology } from './topology.js';
import { MaelstromWorkloadClient, type MaelstromWorkload } from './workload-client.js';

export interface MaelstromDbSpec {
  name: string;
  command: string;
  args: string[];
  env?: Record<string, string>;
  /** Node count used when the test does not name its nodes. */
  nodes: number;
  workloads: readonly MaelstromWorkload[];
  /** Client request timeout (ms): past it an op is indefinite (info). */
  requestTimeoutMs: number;
  /** Baseline latency of node-to-node messages. */
  latency?: Latency;
  /** Echo node stderr lines to the run's log. */
  logStderr?: boolean;
  /** Ask nodes `raft_status` to find leaders (built-in Raft only). */
  raftStatus?: boolean;
}

export class MaelstromDb implements Db {
  readonly name: string;
  readonly backend = 'processes' as const;
  router: Router | undefined;
  cluster: Cluster | undefined;
  primaries?: (test: Test) => Promise<string[]>;
  private stopServices: (() => void) | undefined;
  private topologySent: Promise<void> | undefined;
  private journal: NetJournal | undefined;

  constructor(readonly spec: MaelstromDbSpec) {
    this.name = spec.name;
    if (spec.raftStatus) this.primaries = () => this.raftLeaders();
  }

  nodeIds(test: Test): string[] {
    return test.nodes?.length ? test.nodes : Array.from({ length: this.spec.nodes }, (_, i) => `n${i + 1}`);
  }

  async setup(test: Test): Promise<void> {
    this.router = new Router(test.seed ?? 0);
    this.topologySent = undefined;
    this.router.setLatency(this.spec.latency ?? null);
    // Every message, timed in the history's clock, for the report's diagram (net.jsonl).
    this.journal = new NetJournal(join(test.dir, NET_LOG_FILE));
    this.router.record(this.journal, () => test.now());
    this.stopServices = startServices(this.router, test.seed ?? 0);
    this.cluster = new Cluster({
      nodeIds: this.nodeIds(test),
      dir: test.dir,
      command: this.spec.command,
      args: this.spec.args,
      env: this.spec.env,
      router: this.router,
      log: test.log,
      logStderr: this.spec.logStderr,
      runId: test.runId,
    });
    try {
      await this.cluster.startAll();
      if (this.primaries) await this.awaitLeader(test);
    } catch (e) {
      await this.cluster.teardown();
      throw e;
    }
  }

  /**
   * Readiness for a leader-based cluster: a leader exists. Without this wait the first faults
   * land on a cluster still electing, and "isolate the primaries" has no primary to isolate.
   */
  private async awaitLeader(test: Test, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (test.signal?.aborted) return;
      if ((await this.raftLeaders()).length > 0) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    test.log?.warn(`db ${this.name}: no leader elected within ${timeoutMs} ms; starting the workload anyway`);
  }

  async teardown(_test?: Test): Promise<void> {
    await this.cluster?.teardown();
    this.stopServices?.();
    this.stopServices = undefined;
    this.router?.close();
  }

  /** The messages this run's network carried (counts by group and type; where the log went). */
  netRecord(): NetRecord | undefined {
    if (!this.router) return undefined;
    return { ...this.router.net.record(), ...(this.journal ? { log: this.journal.info() } : {}) };
  }

  private need(): { router: Router; cluster: Cluster } {
    if (!this.router || !this.cluster) throw new FaultlineError('INTERNAL', `db ${this.name} is not set up`);
    return { router: this.router, cluster: this.cluster };
  }

  /** The client of one of the spec's workloads. */
  client(workload: MaelstromWorkload): Client {
    return new MaelstromWorkloadClient({
      router: () => this.need().router,
      workload,
      timeoutMs: this.spec.requestTimeoutMs,
      prepare: workload === 'broadcast' ? (test) => (this.topologySent ??= this.sendTopology(test)) : undefined,
    });
  }

  /**
   * Tells every node its neighbours before the broadcast workload starts (Maelstrom's `topology`
   * message; `--workload-option topology=NAME`, default grid). A node that does not answer
   * is warned about, not fatal: it may not need a topology.
   */
  private async sendTopology(test: Test): Promise<void> {
    const { router, cluster } = this.need();
    const opts = test.workloadOptions as Record<string, string> | undefined;
    const topo = topology(opts?.topology ?? DEFAULT_TOPOLOGY, cluster.nodeIds);
    const c = new MaelstromClient(router);
    try {
      await Promise.all(
        cluster.nodeIds.map(async (n) => {
          for (let attempt = 0; attempt < 3; attempt++) {
            try {
              await c.request(n, { type: 'topology', topology: topo }, this.spec.requestTimeoutMs);
              return;
            } catch (e) {
              if (attempt === 2) test.log?.warn(`node ${n} did not acknowledge its topology: ${(e as Error).message}`);
            }
          }
        }),
      );
    } finally {
      c.close();
    }
  }

  /** The Router's faults; they act once the db is set up. */
  readonly net: Net = {
    partition: async (_test: Test, grudge: Grudge) => this.need().router.partition(grudge),
    heal: async () => this.need().router.heal(),
    loss: async (_test: Test, p: number, nodes?: string[]) => this.need().router.loss(p, nodes),
    delay: async (_test: Test, ms: number, jitterMs: number, nodes?: string[]) => this.need().router.delay(ms, jitterMs, nodes),
    fast: async () => this.need().router.fast(),
  };

  async kill(_test: Test, node: string): Promise<void> {
    await this.need().cluster.kill(node);
  }

  async start(_test: Test, node: string): Promise<void> {
    await this.need().cluster.start(node);
  }

  async pause(_test: Test, node: string): Promise<void> {
    await this.need().cluster.pause(node);
  }

  async resume(_test: Test, node: string): Promise<void> {
    await this.need().cluster.resume(node);
  }

  async collectLogs(test: Test, dir: string): Promise<string[]> {
    const out: string[] = [];
    mkdirSync(dir, { recursive: true });
    for (const n of this.nodeIds(test)) {
      const src = join(test.dir, 'nodes', n, 'node.log');
      if (!existsSync(src)) continue;
      const dst = join(dir, `${n}.log`);
      if (dst !== src) copyFileSync(src, dst);
      out.push(dst);
    }
    return out;
  }

  /** Nodes that answer raft_status with role leader (a deposed leader may still say so). */
  private async raftLeaders(): Promise<string[]> {
    const { router, cluster } = this.need();
    const c = new MaelstromClient(router);
    try {
      const ids = cluster.nodeIds.filter((n) => cluster.status(n) === 'running');
      const answers = await Promise.all(
        ids.map((n) =>
          c.request(n, { type: 'raft_status' }, 500).then(
            (b) => (b.role === 'leader' ? n : null),
            () => null,
          ),
        ),
      );
      return answers.filter((n): n is string => n !== null);
    } finally {
      c.close();
    }
  }
}

// The container plumbing the Docker-backed SQL databases share: a DockerCluster of one image with
// a command and environment per node, iptables partitions (re-applied when a node restarts),
// kill/start/pause/resume, and node logs kept as evidence even when a run ends early. A subclass
// says what each node runs and when it is ready. (Stand-in for the suite SDK's container layer:
// porting means turning `nodeSpec` into its declaration.)

import { join } from 'node:path';
import { FaultlineError } from '../../src/errors.js';
import type { Client, Db, Net, Test } from '../../src/protocols.js';
import { DockerCluster, type WaitStrategy } from '../../src/docker/cluster.js';
import { ensureSystemImage } from '../../src/docker/images.js';
import { DockerNet } from '../../src/docker/net.js';

export interface NodeSpecs {
  /** docker/<system>/Dockerfile */
  system: string;
  command(node: string, ips: Readonly<Record<string, string>>): string[];
  env?(node: string, ips: Readonly<Record<string, string>>): Record<string, string>;
  wait: WaitStrategy;
  readyTimeoutMs?: number;
}

export const DATA_PATH = '/var/lib/faultline/data';

export abstract class ContainerDb implements Db {
  abstract readonly name: string;
  protected cluster?: DockerCluster;
  private dnet?: DockerNet;
  private logsCollected = false;

  protected abstract nodeSpecs(test: Test): NodeSpecs;
  abstract client(workload: string, test: Test): Client | undefined;

  /** Runs after every node is ready (create users, start helpers...). */
  protected afterUp?(test: Test): Promise<void>;
  /** Runs first in teardown, while the nodes still run. */
  protected beforeDown?(test: Test): Promise<void>;

  async setup(test: Test): Promise<void> {
    const spec = this.nodeSpecs(test);
    const image = await ensureSystemImage(spec.system, { log: test.log });
    const cluster = new DockerCluster({
      runId: test.runId,
      image,
      nodes: test.nodes,
      command: spec.command,
      ...(spec.env ? { env: spec.env } : {}),
      dataPath: DATA_PATH,
      wait: spec.wait,
      readyTimeoutMs: spec.readyTimeoutMs ?? 90_000,
      onStart: async (node) => this.dnet?.reapply(node),
      log: test.log,
    });
    this.cluster = cluster;
    this.dnet = new DockerNet(cluster);
    this.logsCollected = false;
    await cluster.up();
    await this.afterUp?.(test);
  }

  async teardown(test: Test): Promise<void> {
    if (!this.cluster) return;
    try {
      await this.beforeDown?.(test);
    } catch (e) {
      test.log.warn(`${this.name}: ${(e as Error).message}`);
    }
    if (!this.logsCollected && test.dir) await this.collectLogs(test, join(test.dir, 'nodes')).catch((e) => test.log.warn(`${this.name}: collecting logs failed: ${(e as Error).message}`));
    await this.cluster.down();
  }

  protected c(): DockerCluster {
    if (!this.cluster) throw new FaultlineError('INTERNAL', `${this.name} cluster used before setup`);
    return this.cluster;
  }

  ip(node: string): string {
    return this.c().ip(node);
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

  async collectLogs(_test: Test, dir: string): Promise<string[]> {
    const paths = await this.c().copyLogs(dir);
    this.logsCollected = true;
    return paths;
  }
}

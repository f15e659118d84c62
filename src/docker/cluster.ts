// A cluster of containers for one run: a labelled bridge network with a fixed subnet (nodes
// reach each other and the host, nothing else), one container per node with an init, a named
// volume per node for data that must survive a kill, readiness wait strategies, process faults
// (kill/start/pause/resume) and log collection. Everything carries `faultline.run=<runId>`.
// For storage and clock faults the node is laid out differently (node-layout.ts): then the
// server runs under a supervisor, and kill/start act on the server alone.

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { FaultlineError } from '../errors.js';
import { connectDocker, dockerError, dockerName, engineHostname, isGoneOrUnchanged, isRemoteEngine, LABEL, NODE_LABEL, OWNER_LABEL, RUN_LABEL } from './engine.js';
import { createRunNetwork } from './subnet.js';
import { removeRun } from './remove-run.js';
import { ownerToken } from '../owner.js';
import { onTeardown } from './teardown.js';
import { demux, execIn, type ExecResult } from './exec.js';
import { waitFor, type WaitStrategy } from './wait.js';
import { tarFiles, untarFirst } from './tar.js';
import { layoutEnv, layoutHostConfig, needsTools, nodeLayout, wrapCommand, type NodeLayout, type NodeLayoutNeeds } from './node-layout.js';
import { NODE_CTL, nodeTools } from './node-tools.js';

export type { WaitStrategy } from './wait.js';

export interface ClusterSpec {
  runId: string;
  image: string;
  nodes: readonly string[];
  /** The command each node runs, given its name and the address of every node. */
  command(node: string, ips: Readonly<Record<string, string>>): string[];
  env?: (node: string, ips: Readonly<Record<string, string>>) => Record<string, string>;
  /** Linux capabilities the containers get (e.g. NET_ADMIN for test hosts that run their own iptables). */
  capAdd?: string[];
  /** More HostConfig for the containers (test fixtures: security options, capabilities dropped). */
  hostConfig?: Record<string, unknown>;
  /**
   * Ports clients connect to. On a remote engine the bridge addresses are not routable from here,
   * so these are published on the engine's host (a fixed host port per node for the whole run,
   * so a killed and restarted node is found where it was) and `reach` names host:port.
   */
  publish?: readonly number[];
  /** Files (path → content) put into each node's container before it first starts: config files. */
  files?: (node: string, ips: Readonly<Record<string, string>>) => Record<string, string>;
  /** Mount point of the node's data volume (kept across kill/start). */
  dataPath: string;
  /** When a node counts as ready. */
  wait: WaitStrategy;
  readyTimeoutMs?: number;
  /** Use Docker's init (tini) as PID 1; leave false for images whose entrypoint is an init. */
  init?: boolean;
  /**
   * Keep the network this long after removing the containers. Connections still being attempted
   * to a node's address then fail fast (no neighbour on the bridge: EHOSTUNREACH) instead of
   * retrying SYNs through the default route for minutes and keeping the process alive.
   */
  networkLingerMs?: number;
  /** Called after a node's container (re)starts: e.g. to re-apply network rules in its new netns. */
  onStart?: (node: string) => Promise<void>;
  /** What the run's faults need of the node (supervisor, lazyfs, a small disk, clockshift). */
  layout?: NodeLayoutNeeds;
  log?: { info(msg: string): void };
}

/** Subnets tried: 10.213.0.0/24 .. 10.213.255.0/24, starting at a run-specific offset. */
export class DockerCluster {
  readonly runId: string;
  readonly nodes: readonly string[];
  readonly networkName: string;
  subnet = '';
  gateway = '';
  private readonly spec: ClusterSpec;
  private d!: Docker;
  private ipOf: Record<string, string> = {};
  private containers = new Map<string, Docker.Container>();
  private pids = new Map<string, number>();
  private unregister: (() => void) | undefined;
  private torn = false;
  /** Published host port of each node's client ports (remote engines only). */
  private hostPorts = new Map<string, Map<number, number>>();
  /** The engine runs on another machine: publish ports, run network faults through exec. */
  readonly remote: boolean;
  private tools?: Record<string, Buffer>;
  readonly layout: NodeLayout;

  constructor(spec: ClusterSpec) {
    this.spec = spec;
    this.layout = nodeLayout(spec.dataPath, spec.layout);
    this.runId = spec.runId;
    this.nodes = spec.nodes;
    this.networkName = dockerName('faultline', spec.runId);
    this.remote = isRemoteEngine();
  }

  /** Labels of every resource of this run. */
  labels(node?: string): Record<string, string> {
    return { [LABEL]: '1', [RUN_LABEL]: this.runId, [OWNER_LABEL]: ownerToken(), ...(node ? { [NODE_LABEL]: node } : {}) };
  }

  containerName(node: string): string {
    return dockerName('faultline', this.runId, node);
  }

  volumeName(node: string): string {
    return dockerName('faultline', this.runId, node, 'data');
  }

  ip(node: string): string {
    const ip = this.ipOf[node];
    if (!ip) throw new FaultlineError('BAD_ARGUMENT', `unknown node ${node}`, node);
    return ip;
  }

  /**
   * Where this machine reaches a node's port: its bridge address on a local engine, the published
   * port on the engine's host when the engine is remote.
   */
  reach(node: string, port: number): { host: string; port: number } {
    if (!this.remote) return { host: this.ip(node), port };
    const hp = this.hostPorts.get(node)?.get(port);
    if (hp === undefined) throw new FaultlineError('INTERNAL', `port ${port} of ${node} is not published (the engine at ${engineHostname()} is remote; declare it as a client port)`, node);
    return { host: engineHostname(), port: hp };
  }

  get ips(): Readonly<Record<string, string>> {
    return this.ipOf;
  }

  /** Creates network, volumes and containers, starts every node and waits until all are ready. */
  async up(): Promise<void> {
    this.d = await connectDocker();
    this.unregister = onTeardown(`cluster ${this.runId}`, () => this.down());
    try {
      if (needsTools(this.layout)) this.tools = await nodeTools({ log: this.spec.log });
      await this.createNetwork();
      await Promise.all(this.nodes.map((n) => this.createNode(n)));
      await Promise.all(this.nodes.map((n) => this.startContainer(n, true)));
      await Promise.all(this.nodes.map((n) => this.waitReady(n)));
    } catch (e) {
      await this.down().catch(() => {});
      throw dockerError('starting the cluster', e);
    }
  }

  private async createNetwork(): Promise<void> {
    const net = await createRunNetwork(this.d, { name: this.networkName, runId: this.runId, labels: this.labels(), nodes: this.nodes });
    this.subnet = net.subnet;
    this.gateway = net.gateway;
    this.ipOf = { ...net.ips };
  }

  private async createNode(node: string): Promise<void> {
    const layout = this.layout;
    if (!layout.diskBytes) await this.d.createVolume({ Name: this.volumeName(node), Labels: this.labels(node) });
    await this.createContainer(node, 0);
  }

  /** Host ports tried for a node's published ports: spread by run and node, moved on by `attempt`. */
  private pickHostPorts(node: string, attempt: number): Map<number, number> {
    let h = 0;
    for (const c of `${this.runId}/${node}`) h = (h * 31 + c.charCodeAt(0)) >>> 0;
    const ports = this.spec.publish ?? [];
    // 20000-44999: below the usual ephemeral range, so outgoing connections rarely hold them.
    return new Map(ports.map((p, i) => [p, 20000 + ((h + attempt * 7919 + i * 101) % 25000)]));
  }

  private async createContainer(node: string, attempt: number): Promise<void> {
    const publish = this.remote && this.spec.publish?.length ? this.pickHostPorts(node, attempt) : undefined;
    if (publish) this.hostPorts.set(node, publish);
    const layout = this.layout;
    const host = layoutHostConfig(layout, this.volumeName(node));
    // A remote engine's nodes get their iptables rules through docker exec, which needs NET_ADMIN.
    const capAdd = [...new Set([...(this.spec.capAdd ?? []), ...(host.CapAdd ?? []), ...(this.remote ? ['NET_ADMIN'] : [])])];
    const env = { ...this.spec.env?.(node, this.ipOf), ...layoutEnv(layout) };
    const c = await this.d.createContainer({
      name: this.containerName(node),
      Image: this.spec.image,
      Hostname: node,
      Cmd: wrapCommand(layout, this.spec.command(node, this.ipOf)),
      Env: Object.entries(env).map(([k, v]) => `${k}=${v}`),
      Labels: this.labels(node),
      StopTimeout: 1,
      ...(publish ? { ExposedPorts: Object.fromEntries([...publish.keys()].map((p) => [`${p}/tcp`, {}])) } : {}),
      HostConfig: {
        NetworkMode: this.networkName,
        Init: this.spec.init ?? false,
        ...(capAdd.length ? { CapAdd: capAdd } : {}),
        ...(host.Devices ? { Devices: host.Devices } : {}),
        ...(host.SecurityOpt?.length ? { SecurityOpt: host.SecurityOpt } : {}),
        ...(publish ? { PortBindings: Object.fromEntries([...publish].map(([p, hp]) => [`${p}/tcp`, [{ HostPort: String(hp) }]])) } : {}),
        ...this.spec.hostConfig,
        Mounts: host.Mounts,
        RestartPolicy: { Name: 'no' },
        LogConfig: { Type: 'json-file', Config: { 'max-size': '50m' } },
      },
      NetworkingConfig: {
        EndpointsConfig: { [this.networkName]: { IPAMConfig: { IPv4Address: this.ip(node) }, Aliases: [node] } },
      },
    });
    if (this.tools) await c.putArchive(tarFiles(this.tools, 0o755), { path: '/' });
    const files = this.spec.files?.(node, this.ipOf);
    if (files && Object.keys(files).length) await c.putArchive(tarFiles(files), { path: '/' });
    this.containers.set(node, c);
  }

  private container(node: string): Docker.Container {
    const c = this.containers.get(node);
    if (!c) throw new FaultlineError('BAD_ARGUMENT', `no container for node ${node}`, node);
    return c;
  }

  private async startContainer(node: string, first = false): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.container(node).start();
        break;
      } catch (e) {
        if (isGoneOrUnchanged(e)) break;
        // Another process holds the host port we picked: try other ports (first start only; later
        // the node keeps its ports, and a port taken while it was down is an error worth seeing).
        if (!(first && this.hostPorts.has(node) && attempt < 8 && /port is already allocated|address already in use/i.test(String((e as Error)?.message)))) throw dockerError('start', e, node);
        await this.container(node).remove({ force: true }).catch(() => undefined);
        await this.createContainer(node, attempt);
      }
    }
    const info = await this.container(node).inspect();
    // A remote engine's PIDs are another machine's: nothing here may nsenter them.
    if (!this.remote) this.pids.set(node, info.State.Pid);
    await this.spec.onStart?.(node);
  }

  /** Waits until the node passes the cluster's wait strategy (or `strategy`). */
  async waitReady(node: string, strategy: WaitStrategy = this.spec.wait, timeoutMs = this.spec.readyTimeoutMs ?? 60_000): Promise<void> {
    // A supervised server can exit while its container runs on: watch the server.
    const target = this.layout.supervised ? { ip: (n: string) => this.ip(n), exec: this.exec.bind(this), logs: this.logs.bind(this), state: (n: string) => this.serverState(n) } : this;
    await waitFor(target, node, strategy, timeoutMs);
  }

  /** Runs faultline's node-ctl in a supervised node; its `key=value` lines, or DOCKER naming the command and the error. */
  async ctl(node: string, args: string[], timeoutMs = 30_000): Promise<Array<[string, string]>> {
    if (!this.layout.supervised) throw new FaultlineError('INTERNAL', `node-ctl ${args[0]}: node ${node} is not supervised`, node);
    const r = await this.exec(node, ['sh', NODE_CTL, ...args], timeoutMs);
    const pairs = r.stdout
      .split('\n')
      .filter((l) => l.includes('='))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] as [string, string]);
    const err = pairs.find(([k]) => k === 'error');
    if (r.exitCode !== 0 || err) throw new FaultlineError('DOCKER', `node-ctl ${args[0]} failed (exit ${r.exitCode}): ${err?.[1] ?? (r.stderr.trim() || r.stdout.trim())}`, node);
    return pairs;
  }

  /** A supervised server's state: running (pid, since) or down (exit code, since); times in ms since the epoch. */
  async serverState(node: string): Promise<{ running: boolean; exitCode: number; sinceMs: number }> {
    const c = await this.state(node);
    if (!c.running) return { running: false, exitCode: c.exitCode, sinceMs: 0 };
    const state = (await this.ctl(node, ['status'])).find(([k]) => k === 'state')?.[1] ?? '';
    const [what, num, since] = state.split(' ');
    // No state yet: the supervisor is still mounting lazyfs before it starts the server. That is
    // a server on its way up, not one that exited.
    if (what !== 'down') return { running: true, exitCode: -1, sinceMs: what === 'running' ? Math.round(Number(since ?? 0) * 1000) : 0 };
    return { running: false, exitCode: Number(num), sinceMs: Math.round(Number(since ?? 0) * 1000) };
  }

  /** PID (on the host) of the node's init process, or undefined when it is not running. */
  pid(node: string): number | undefined {
    return this.pids.get(node);
  }

  async state(node: string): Promise<{ running: boolean; paused: boolean; exitCode: number }> {
    const s = (await this.container(node).inspect()).State;
    return { running: s.Running, paused: s.Paused, exitCode: s.ExitCode };
  }

  /**
   * SIGKILL the node's container: all its processes die; the data volume stays. A supervised
   * node loses its server's processes only (its mounts and lazyfs live on, as a disk would).
   */
  async kill(node: string): Promise<void> {
    try {
      const s = await this.state(node);
      if (s.paused) await this.container(node).unpause();
      if (this.layout.supervised && s.running) {
        await this.ctl(node, ['stop']);
        return;
      }
      await this.container(node).kill({ signal: 'SIGKILL' });
    } catch (e) {
      // 409: already stopped; that is what we wanted.
      if (!isGoneOrUnchanged(e) && (e as { statusCode?: number })?.statusCode !== 409) throw dockerError('kill', e, node);
    }
    this.pids.delete(node);
  }

  /** Starts a killed node again (same container, same volume, same address). No-op if running. */
  async start(node: string): Promise<void> {
    const s = await this.state(node);
    if (s.paused) return this.resume(node);
    if (s.running) {
      if (this.layout.supervised) await this.ctl(node, ['start']);
      return;
    }
    await this.startContainer(node);
  }

  /** Freezes every process of the node (cgroup freezer), like SIGSTOP. */
  async pause(node: string): Promise<void> {
    // A killed node has nothing to freeze; a paused one is already frozen.
    const s = await this.state(node);
    if (!s.running || s.paused) return;
    try {
      await this.container(node).pause();
    } catch (e) {
      if (!isGoneOrUnchanged(e) && (e as { statusCode?: number })?.statusCode !== 409) throw dockerError('pause', e, node);
    }
  }

  async resume(node: string): Promise<void> {
    // Killed while paused (kill thaws first) or never paused: nothing to resume.
    if (!(await this.state(node)).paused) return;
    try {
      await this.container(node).unpause();
    } catch (e) {
      if (!isGoneOrUnchanged(e) && (e as { statusCode?: number })?.statusCode !== 409) throw dockerError('resume', e, node);
    }
    // Through a remote engine, rules are set by exec, which a frozen node refuses: catch up now.
    if (this.remote) await this.spec.onStart?.(node);
  }

  /** Runs a command inside the node (docker exec). */
  exec(node: string, cmd: string[], timeoutMs = 30_000): Promise<ExecResult> {
    return execIn(this.container(node), cmd, timeoutMs);
  }

  /** The node's stdout/stderr so far (all restarts), with timestamps. */
  async logs(node: string, tail?: number): Promise<string> {
    const buf = (await this.container(node).logs({ stdout: true, stderr: true, timestamps: true, follow: false, ...(tail ? { tail } : {}) })) as unknown as Buffer;
    return demux(buf);
  }

  /** Copies each node's log to `<dir>/<node>/<node>.log` (dir: the run's nodes/ folder); returns the paths written. */
  async copyLogs(dir: string): Promise<string[]> {
    const out: string[] = [];
    await Promise.all(
      this.nodes.map(async (node) => {
        if (!this.containers.has(node)) return;
        try {
          const text = await this.logs(node);
          const nodeDir = join(dir, node);
          await mkdir(nodeDir, { recursive: true });
          const p = join(nodeDir, `${node}.log`);
          await writeFile(p, text);
          out.push(p);
        } catch (e) {
          if (!isGoneOrUnchanged(e)) throw dockerError('copying logs', e, node);
        }
      }),
    );
    return out.sort();
  }

  /**
   * Copies a file from inside each node (a server's own log file) to `<dir>/<node>/<basename>`;
   * nodes where it does not exist are skipped. Returns the paths written.
   */
  async copyFile(path: string, dir: string): Promise<string[]> {
    const out: string[] = [];
    await Promise.all(
      this.nodes.map(async (node) => {
        if (!this.containers.has(node)) return;
        try {
          const archive = (await this.container(node).getArchive({ path })) as NodeJS.ReadableStream;
          const chunks: Buffer[] = [];
          for await (const c of archive) chunks.push(c as Buffer);
          const nodeDir = join(dir, node);
          await mkdir(nodeDir, { recursive: true });
          const p = join(nodeDir, path.split('/').pop()!);
          await writeFile(p, untarFirst(Buffer.concat(chunks)));
          out.push(p);
        } catch (e) {
          if ((e as { statusCode?: number })?.statusCode === 404 || isGoneOrUnchanged(e)) return;
          throw dockerError('copying a log file', e, node);
        }
      }),
    );
    return out.sort();
  }

  /** Removes containers, volumes and the network of this run. Safe to call twice or after a failed `up`. */
  async down(): Promise<void> {
    if (this.torn) return;
    this.torn = true;
    const d = this.d ?? (await connectDocker());
    await removeRun(d, this.runId, this.spec.networkLingerMs ?? 0);
    this.unregister?.();
  }
}

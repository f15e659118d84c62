// The SSH backend: a declared system (src/system.ts) run on machines reached over SSH, one node
// per machine, as Jepsen does. Setup installs the system's Debian packages where missing, wipes
// and recreates its data directory (only under /var/lib/faultline), writes its files and starts
// its command as a daemon (start-stop-daemon, output to a log). Every process of the run carries
// FAULTLINE_RUN=<run id> in its environment: kill and pause signal exactly those (a paused node is
// resumed before it is killed), and `faultline sweep --nodes-file` finds them after a crash.
// Network faults are iptables rules in a chain of the run's own and tc; clocks move through
// libfaketime. Teardown collects logs, stops everything, and removes rules, data and run files.

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FaultlineError } from '../errors.js';
import type { Clock, Db, Net, Test } from '../protocols.js';
import type { NodeContext, NodeExec, SystemSpec } from '../system.js';
import type { Storage } from '../storage-faults.js';
import { IptablesNet } from '../iptables-net.js';
import { faketimeOffset, forwardingNet, systemClock } from '../fault-tools.js';
import { waitFor, type Waitable } from '../docker/wait.js';
import { FAKETIME_ENV, type Endpoint, type Endpoints } from '../docker/container-db.js';
import { TOOL_PACKAGES } from '../docker/system-image.js';
import { SshConnection, type SshAuth, type SshTarget } from './connection.js';
import { signalRunScript } from './remote-procs.js';

/** Where faultline keeps its files on a test machine; nothing outside it is ever removed. */
export const REMOTE_ROOT = '/var/lib/faultline';

export interface SshCluster {
  targets: readonly SshTarget[];
  auth: SshAuth;
}

export class SshDb<O> implements Db, Endpoints<O> {
  readonly name: string;
  readonly backend = 'ssh' as const;
  readonly net: Net;
  readonly clock: Clock;
  readonly primaries?: (test: Test) => Promise<string[]>;
  /** Storage faults need a data directory faultline controls (lazyfs, a small tmpfs): containers only. */
  readonly storage: Storage = {
    unsupported: {
      power: 'power failures need the data directory on lazyfs, which faultline mounts only in containers; on machines over SSH it would need FUSE and root on each host, and a real power cut is out of its reach',
      corrupt: 'file corruption runs only in containers (on machines over SSH faultline does not stop servers and edit their files)',
      'disk-full': 'a full disk needs a small file system faultline owns, which it makes only in containers',
    },
    restart: () => Promise.reject(new FaultlineError('UNSUPPORTED', 'storage faults run only in containers')),
  };
  private readonly conns = new Map<string, SshConnection>();
  private readonly byNode: Map<string, SshTarget>;
  private inet?: IptablesNet;
  private runId = '';
  private test?: Test;

  constructor(
    readonly system: SystemSpec<O>,
    readonly options: O,
    readonly cluster: SshCluster,
  ) {
    this.name = system.name;
    this.byNode = new Map(cluster.targets.map((t) => [t.node, t]));
    if (!system.dataPath.startsWith(`${REMOTE_ROOT}/`)) {
      throw new FaultlineError('UNSUPPORTED', `the SSH backend wipes a node's data directory at setup; ${system.dataPath} is not under ${REMOTE_ROOT}`, system.name);
    }
    this.net = forwardingNet(() => this.inet ?? this.notSetUp());
    this.clock = systemClock(system.clock, (node, ms) => this.conn(node).upload(`${this.runDir()}/faketime`, faketimeOffset(ms), { sudo: true }),
      "its server bypasses libc, and clockshift (which shifts such servers' clocks) runs only in containers",
    );
    if (system.primaries) this.primaries = (test) => system.primaries!(this.nodeExec(), test, options);
  }

  describe(): string {
    return 'machines over SSH';
  }

  private notSetUp(): never {
    throw new FaultlineError('INTERNAL', `db ${this.name} used before setup`);
  }

  private conn(node: string): SshConnection {
    return this.conns.get(node) ?? this.notSetUp();
  }

  private runDir(): string {
    return `${REMOTE_ROOT}/runs/${this.runId}`;
  }

  endpoint(node: string): Endpoint {
    const t = this.byNode.get(node);
    if (!t) throw new FaultlineError('BAD_ARGUMENT', `no host for node ${node}`, node);
    return { host: t.host, port: this.system.clientPort };
  }

  nodeExec(): NodeExec {
    return {
      exec: (node, cmd, timeoutMs) => this.conn(node).exec(cmd, { sudo: true, timeoutMs }),
      address: (node) => this.endpoint(node).host,
      reach: (node, port) => ({ host: this.endpoint(node).host, port }),
      nodes: this.cluster.targets.map((t) => t.node),
    };
  }

  private ctx(node: string, test: Test): NodeContext<O> {
    const addresses = Object.fromEntries(this.cluster.targets.map((t) => [t.node, t.host]));
    return { node, addresses, nodes: test.nodes, runId: test.runId, options: this.options };
  }

  async setup(test: Test): Promise<void> {
    this.test = test;
    this.runId = test.runId;
    for (const n of test.nodes) if (!this.byNode.has(n)) throw new FaultlineError('BAD_ARGUMENT', `no host for node ${n}`, '--nodes-file');
    const conns = await Promise.allSettled(test.nodes.map((n) => SshConnection.connect(this.byNode.get(n)!, this.cluster.auth)));
    conns.forEach((c, i) => c.status === 'fulfilled' && this.conns.set(test.nodes[i]!, c.value));
    const failed = conns.find((c) => c.status === 'rejected');
    if (failed) {
      for (const c of this.conns.values()) c.close();
      this.conns.clear();
      throw (failed as PromiseRejectedResult).reason;
    }
    this.inet = new IptablesNet({
      runId: test.runId,
      nodes: test.nodes,
      scope: 'chain',
      keepPorts: [...new Set(this.cluster.targets.map((t) => t.port))],
      address: (n) => this.endpoint(n).host,
      device: async (n) => {
        const peer = test.nodes.find((m) => m !== n) ?? n;
        const r = await this.conn(n).run(['ip', '-o', 'route', 'get', this.endpoint(peer).host], { sudo: true });
        const dev = /\bdev (\S+)/.exec(r)?.[1];
        if (!dev) throw new FaultlineError('UNSUPPORTED', `cannot tell the interface toward ${peer} from 'ip route get': ${r.trim()}`, n);
        return dev;
      },
      run: async (n, argv, stdin) => {
        const r = await this.conn(n).exec(argv, { sudo: true, input: stdin });
        return { code: r.exitCode, stdout: r.stdout, stderr: r.stderr };
      },
      noteShaped: async (n, dev, shaped) => {
        const marker = `${this.runDir()}/qdisc-${dev}`;
        if (shaped) await this.conn(n).upload(marker, dev, { sudo: true });
        else await this.conn(n).run(['rm', '-f', '--', marker], { sudo: true });
      },
    });
    await Promise.all(test.nodes.map((n) => this.prepare(n, test)));
    await Promise.all(test.nodes.map((n) => this.startNode(n)));
    const wait = this.system.readyTimeoutMs ?? 120_000;
    await Promise.all(test.nodes.map((n) => waitFor(this.waitable(), n, this.system.wait, wait)));
    await this.system.afterStart?.(this.nodeExec(), test, this.options);
  }

  /** Packages, a clean data directory, the run's directory, the clock file and the node's files. */
  private async prepare(node: string, test: Test): Promise<void> {
    const c = this.conn(node);
    const wanted = [...TOOL_PACKAGES, ...this.system.packages];
    const q = await c.exec(['dpkg-query', '-W', '-f', '${Package} ${Status}\\n', ...wanted], { sudo: true });
    const installed = new Set(q.stdout.split('\n').filter((l) => / install ok installed$/.test(l)).map((l) => l.split(' ')[0]));
    const missing = wanted.filter((p) => !installed.has(p));
    if (missing.length) {
      test.log.info(`${node}: installing ${missing.join(' ')}`);
      const r = await c.exec(['env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', 'install', '-y', '-q', '--no-install-recommends', ...missing], { sudo: true, timeoutMs: 600_000 });
      if (r.exitCode !== 0) throw new FaultlineError('UNREACHABLE', `could not install ${missing.join(' ')}: ${(r.stderr || r.stdout).trim().slice(-400)}`, `node ${node}`);
    }
    const data = this.system.dataPath;
    await c.run(['sh', '-c', 'rm -rf -- "$1" && mkdir -p -- "$1" "$2"', 'sh', data, this.runDir()], { sudo: true });
    await c.upload(`${this.runDir()}/faketime`, '+0\n', { sudo: true });
    for (const [path, content] of Object.entries(this.system.files?.(this.ctx(node, test)) ?? {})) await c.upload(path, content, { sudo: true });
  }

  private async startNode(node: string): Promise<void> {
    const test = this.test ?? this.notSetUp();
    const ctx = this.ctx(node, test);
    const env = {
      FAULTLINE_RUN: this.runId,
      FAULTLINE_NODE: node,
      ...(this.system.clock === 'libfaketime' ? { ...FAKETIME_ENV, FAKETIME_TIMESTAMP_FILE: `${this.runDir()}/faketime` } : {}),
      ...this.system.env?.(ctx),
    };
    const cmd = this.system.command(ctx);
    await this.conn(node).run(
      [
        'start-stop-daemon', '--start', '--background', '--make-pidfile', '--pidfile', `${this.runDir()}/pid`,
        '--output', `${this.runDir()}/node.log`, '--chdir', this.system.dataPath,
        '--exec', '/usr/bin/env', '--', ...Object.entries(env).map(([k, v]) => `${k}=${v}`), ...cmd,
      ],
      { sudo: true },
    );
    await this.inet?.reapply(node);
  }

  /** Sends a signal to every process of the run on a node; returns how many got it. */
  private async signal(node: string, sig: 'KILL' | 'STOP' | 'CONT'): Promise<number> {
    const out = await this.conn(node).run(['sh', '-c', signalRunScript, 'sh', this.runId, sig], { sudo: true });
    return Number(out.trim()) || 0;
  }

  async kill(_test: Test, node: string): Promise<void> {
    await this.signal(node, 'CONT'); // a stopped process cannot die until it runs again
    for (let i = 0; i < 50 && (await this.signal(node, 'KILL')) > 0; i++) await new Promise((r) => setTimeout(r, 100));
  }

  async start(_test: Test, node: string): Promise<void> {
    if ((await this.signal(node, 'CONT')) > 0) return; // running (perhaps was paused): nothing to start
    await this.startNode(node);
  }

  async pause(_test: Test, node: string): Promise<void> {
    await this.signal(node, 'STOP');
  }

  async resume(_test: Test, node: string): Promise<void> {
    await this.signal(node, 'CONT');
  }

  private waitable(): Waitable {
    return {
      ip: (n) => this.endpoint(n).host,
      exec: (n, cmd, timeoutMs) => this.conn(n).exec(cmd, { sudo: true, timeoutMs }),
      logs: async (n, tail) => (await this.conn(n).exec(['tail', '-n', String(tail ?? 1000), `${this.runDir()}/node.log`], { sudo: true })).stdout,
      state: async (n) => {
        const alive = await this.conn(n).exec(['sh', '-c', 'kill -0 "$(cat "$1")"', 'sh', `${this.runDir()}/pid`], { sudo: true });
        return { running: alive.exitCode === 0, exitCode: -1 };
      },
    };
  }

  async collectLogs(_test: Test, dir: string): Promise<string[]> {
    const out: string[] = [];
    await Promise.all(
      [...this.conns.keys()].map(async (node) => {
        const nodeDir = join(dir, node);
        await mkdir(nodeDir, { recursive: true });
        for (const file of [`${this.runDir()}/node.log`, ...(this.system.logFiles ?? [])]) {
          const text = await this.conn(node).download(file, { sudo: true });
          if (text === undefined) continue;
          const p = join(nodeDir, file === `${this.runDir()}/node.log` ? `${node}.log` : file.split('/').pop()!);
          await writeFile(p, text);
          out.push(p);
        }
      }),
    );
    return out.sort();
  }

  async teardown(test: Test): Promise<void> {
    if (this.conns.size === 0) return;
    if (test.dir) await this.collectLogs(test, join(test.dir, 'nodes')).catch((e) => test.log.warn(`${this.name}: collecting logs failed: ${(e as Error).message}`));
    if (this.system.teardownGraceMs) await new Promise((r) => setTimeout(r, this.system.teardownGraceMs));
    const problems: string[] = [];
    await this.inet?.teardown().catch((e) => problems.push((e as Error).message));
    await Promise.all(
      [...this.conns.keys()].map(async (node) => {
        try {
          await this.kill(test, node);
          await this.conn(node).run(['rm', '-rf', '--', this.system.dataPath, this.runDir()], { sudo: true });
        } catch (e) {
          problems.push(`${node}: ${(e as Error).message}`);
        }
      }),
    );
    for (const c of this.conns.values()) c.close();
    this.conns.clear();
    if (problems.length) throw new FaultlineError('UNREACHABLE', `teardown left things behind (run faultline sweep --nodes-file ...): ${problems.join('; ')}`, this.name);
  }
}

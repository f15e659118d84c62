// Network faults for container nodes (Jepsen's jepsen.net over iptables): each node's filter
// table, inside its own network namespace, entered from the host with `nsenter -t PID -n`, so
// containers need no capabilities. Partitions drop packets from grudged peers, loss drops a
// random fraction of incoming packets (`-m statistic`), rate limiting shapes egress with `tc tbf`.
// The wanted state is kept per node and re-applied when a killed node starts in a new netns.
// Rules live only in the containers' namespaces (never the host's), so they vanish with them.

import { spawn } from 'node:child_process';
import { FaultlineError } from '../errors.js';
import type { Grudge, Net, Test } from '../protocols.js';

/** What the net needs from a cluster. */
export interface NetHost {
  readonly runId: string;
  readonly nodes: readonly string[];
  ip(node: string): string;
  /** Host PID of a process in the node's netns; undefined while the node is down. */
  pid(node: string): number | undefined;
}

interface NodeFaults {
  /** IPs this node drops packets from. */
  drop: Set<string>;
  /** Probability of dropping each incoming packet. */
  loss: number;
  /** Egress rate limit: kbit/s and the longest queueing delay before tbf drops (ms). */
  rate?: { kbit: number; latencyMs: number };
}

/** A Net that also offers rate limiting (a fault beyond Jepsen's protocol). */
export interface RateLimitingNet extends Net {
  /** Limit each node's egress to `kbit` kbit/s; packets queue up to `latencyMs` (queueing delay), then drop. */
  rate(test: Test, kbit: number, latencyMs: number, nodes?: string[]): Promise<void>;
}

export function isRateLimiting(net: Net | undefined): net is RateLimitingNet {
  return typeof (net as RateLimitingNet | undefined)?.rate === 'function';
}

export class DockerNet implements RateLimitingNet {
  private readonly host: NetHost;
  private readonly faults = new Map<string, NodeFaults>();
  /** Whether a qdisc is installed on a node (so `fast` knows what to delete). */
  private readonly shaped = new Set<string>();

  constructor(host: NetHost) {
    this.host = host;
    for (const n of host.nodes) this.faults.set(n, { drop: new Set(), loss: 0 });
  }

  private f(node: string): NodeFaults {
    const f = this.faults.get(node);
    if (!f) throw new FaultlineError('BAD_ARGUMENT', `unknown node ${node}`, node);
    return f;
  }

  async partition(_test: Test, grudge: Grudge): Promise<void> {
    for (const [node, from] of Object.entries(grudge)) {
      const f = this.f(node);
      for (const m of from) if (m !== node) f.drop.add(this.host.ip(m));
    }
    await this.applyAll(Object.keys(grudge));
  }

  async heal(_test: Test): Promise<void> {
    for (const f of this.faults.values()) f.drop.clear();
    await this.applyAll(this.host.nodes);
  }

  async loss(_test: Test, p: number, nodes?: string[]): Promise<void> {
    if (!(p >= 0 && p <= 1)) throw new FaultlineError('BAD_ARGUMENT', `loss probability must be in [0, 1], got ${p}`, 'loss');
    const ns = nodes ?? [...this.host.nodes];
    for (const n of ns) this.f(n).loss = p;
    await this.applyAll(ns);
  }

  /**
   * Fixed delay needs netem, which not every kernel has (this one does not). We try it and refuse
   * clearly if the kernel lacks it, rather than quietly doing something else.
   */
  async delay(_test: Test, ms: number, jitterMs: number, nodes?: string[]): Promise<void> {
    const ns = nodes ?? [...this.host.nodes];
    for (const n of ns) {
      const pid = this.host.pid(n);
      if (pid === undefined) continue;
      const r = await nsenter(pid, 'tc', ['qdisc', 'replace', 'dev', 'eth0', 'root', 'netem', 'delay', `${ms}ms`, `${jitterMs}ms`]);
      if (r.code !== 0) {
        throw new FaultlineError('UNSUPPORTED', `packet delay needs the kernel's netem qdisc, which is missing here (${r.stderr.trim()}); use rate limiting (queueing delay) or loss instead`, n);
      }
      this.shaped.add(n);
    }
  }

  async rate(_test: Test, kbit: number, latencyMs: number, nodes?: string[]): Promise<void> {
    if (!(kbit > 0)) throw new FaultlineError('BAD_ARGUMENT', `rate must be positive kbit/s, got ${kbit}`, 'rate');
    const ns = nodes ?? [...this.host.nodes];
    for (const n of ns) this.f(n).rate = { kbit, latencyMs };
    await this.applyAll(ns);
  }

  /** Undo loss, delay and rate limits (partitions stay; `heal` removes those). */
  async fast(_test: Test): Promise<void> {
    for (const f of this.faults.values()) (f.loss = 0), (f.rate = undefined);
    await this.applyAll(this.host.nodes);
  }

  /** Re-applies a node's faults (after it restarted in a fresh network namespace). */
  async reapply(node: string): Promise<void> {
    this.shaped.delete(node);
    await this.apply(node);
  }

  /** The iptables-restore input for a node: the whole filter table, which only faultline uses in a node's netns. */
  rules(node: string): string {
    const f = this.f(node);
    const tag = `-m comment --comment faultline:${this.host.runId}`;
    const lines = ['*filter', ':INPUT ACCEPT [0:0]', ':FORWARD ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]'];
    for (const ip of [...f.drop].sort()) lines.push(`-A INPUT -s ${ip}/32 ${tag} -j DROP`);
    if (f.loss > 0) lines.push(`-A INPUT -m statistic --mode random --probability ${f.loss} ${tag} -j DROP`);
    lines.push('COMMIT', '');
    return lines.join('\n');
  }

  private async applyAll(nodes: readonly string[]): Promise<void> {
    await Promise.all(nodes.map((n) => this.apply(n)));
  }

  private async apply(node: string): Promise<void> {
    const pid = this.host.pid(node);
    if (pid === undefined) return; // down: applied when it starts again
    const r = await nsenter(pid, 'iptables-restore', ['-w', '5'], this.rules(node));
    if (r.code !== 0) throw new FaultlineError('INTERNAL', `iptables-restore failed in ${node}'s netns: ${r.stderr.trim()}`, node);
    const f = this.f(node);
    if (f.rate) {
      // tbf: rate, a burst of at least one MTU-sized packet, and the queueing delay limit.
      const burst = Math.max(1600, Math.ceil((f.rate.kbit * 1000) / 8 / 100));
      const t = await nsenter(pid, 'tc', ['qdisc', 'replace', 'dev', 'eth0', 'root', 'tbf', 'rate', `${f.rate.kbit}kbit`, 'burst', String(burst), 'latency', `${f.rate.latencyMs}ms`]);
      if (t.code !== 0) throw new FaultlineError('UNSUPPORTED', `tc tbf failed in ${node}'s netns: ${t.stderr.trim()}`, node);
      this.shaped.add(node);
    } else if (this.shaped.has(node)) {
      await nsenter(pid, 'tc', ['qdisc', 'del', 'dev', 'eth0', 'root']); // absent qdisc: nothing to undo
      this.shaped.delete(node);
    }
  }
}

/** The filter rules currently in a node's netns (for tests and diagnostics). */
export async function netnsRules(pid: number): Promise<string> {
  const r = await nsenter(pid, 'iptables-save', []);
  if (r.code !== 0) throw new FaultlineError('INTERNAL', `iptables-save failed: ${r.stderr.trim()}`);
  return r.stdout;
}

export function nsenter(pid: number, cmd: string, args: string[], stdin?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const c = spawn('nsenter', ['-t', String(pid), '-n', cmd, ...args], { stdio: [stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    // A command that exits before reading its input (nsenter failing: the node just died) makes
    // the write fail with EPIPE; its exit code tells the caller, the pipe error must not crash us.
    c.stdin?.on('error', () => {});
    let stdout = '';
    let stderr = '';
    c.stdout!.on('data', (b: Buffer) => (stdout += b.toString()));
    c.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
    c.on('error', (e) => reject(new FaultlineError('UNSUPPORTED', `cannot run nsenter (${e.message}); network faults need root and util-linux`)));
    c.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
    c.stdin?.end(stdin);
  });
}

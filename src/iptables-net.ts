// Network faults with iptables and tc (Jepsen's jepsen.net over iptables), for any backend that
// can run a command in a node's network stack: a container's netns entered from the host, or a
// machine over SSH. Partitions drop packets from grudged peers, loss drops a random fraction of
// incoming packets (`-m statistic`), rate limiting shapes egress with `tc tbf`, delay needs netem.
// The wanted state is kept per node and re-applied when a killed node starts again.
//
// In a container the filter table is faultline's alone and is rewritten whole. On a real host the
// table is shared: faultline's rules live in a chain of the run's own, hooked into INPUT, and
// removed at teardown (or by `faultline sweep`); the control channel's port is never dropped.

import { createHash } from 'node:crypto';
import { FaultlineError } from './errors.js';
import type { Grudge, Net, Test } from './protocols.js';

export interface ShellResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** What the net needs from a backend: its nodes, their addresses, and a shell in their network. */
export interface NetShell {
  readonly runId: string;
  readonly nodes: readonly string[];
  /** The address peers' packets come from (an IP, or a name iptables resolves). */
  address(node: string): string;
  /** Runs argv in the node's network namespace; undefined when the node is down. */
  run(node: string, argv: string[], stdin?: string): Promise<ShellResult | undefined>;
  /** 'table': the node's filter table is ours alone. 'chain': shared; use a chain of the run's own. */
  readonly scope: 'table' | 'chain';
  /** The interface that carries traffic to peers (tc shapes it). */
  device(node: string): Promise<string>;
  /** Incoming TCP ports never dropped (the control channel). */
  readonly keepPorts?: readonly number[];
  /** Told when a node's device gets (or loses) a qdisc, so that a sweep after a crash finds it. */
  noteShaped?(node: string, dev: string, shaped: boolean): Promise<void>;
}

interface NodeFaults {
  /** Addresses this node drops packets from. */
  drop: Set<string>;
  /** Probability of dropping each incoming packet. */
  loss: number;
  /** Egress rate limit: kbit/s and the longest queueing delay before tbf drops (ms). */
  rate?: { kbit: number; latencyMs: number };
}

/** The chain a run's rules live in on a shared host (iptables allows 28 characters). */
export function runChain(runId: string): string {
  return `FL-${createHash('sha256').update(runId).digest('hex').slice(0, 12)}`;
}

export class IptablesNet implements Net {
  private readonly faults = new Map<string, NodeFaults>();
  /** Nodes with a qdisc installed (so `fast` knows what to delete), by device. */
  private readonly shaped = new Map<string, string>();
  /** Nodes whose INPUT chain jumps to the run's chain ('chain' scope). */
  private readonly hooked = new Set<string>();
  readonly chain: string;

  constructor(private readonly shell: NetShell) {
    for (const n of shell.nodes) this.faults.set(n, { drop: new Set(), loss: 0 });
    this.chain = shell.scope === 'table' ? 'INPUT' : runChain(shell.runId);
  }

  private f(node: string): NodeFaults {
    const f = this.faults.get(node);
    if (!f) throw new FaultlineError('BAD_ARGUMENT', `unknown node ${node}`, node);
    return f;
  }

  async partition(_test: Test, grudge: Grudge): Promise<void> {
    for (const [node, from] of Object.entries(grudge)) {
      const f = this.f(node);
      for (const m of from) if (m !== node) f.drop.add(this.shell.address(m));
    }
    await this.applyAll(Object.keys(grudge));
  }

  async heal(_test: Test): Promise<void> {
    for (const f of this.faults.values()) f.drop.clear();
    await this.applyAll(this.shell.nodes);
  }

  async loss(_test: Test, p: number, nodes?: string[]): Promise<void> {
    if (!(p >= 0 && p <= 1)) throw new FaultlineError('BAD_ARGUMENT', `loss probability must be in [0, 1], got ${p}`, 'loss');
    const ns = nodes ?? [...this.shell.nodes];
    for (const n of ns) this.f(n).loss = p;
    await this.applyAll(ns);
  }

  /**
   * Fixed delay needs netem, which not every kernel has. We try it and refuse clearly if the
   * kernel lacks it, rather than quietly doing something else.
   */
  async delay(_test: Test, ms: number, jitterMs: number, nodes?: string[]): Promise<void> {
    for (const n of nodes ?? [...this.shell.nodes]) {
      const dev = await this.shell.device(n);
      const r = await this.shell.run(n, ['tc', 'qdisc', 'replace', 'dev', dev, 'root', 'netem', 'delay', `${ms}ms`, `${jitterMs}ms`]);
      if (!r) continue;
      if (r.code !== 0) {
        throw new FaultlineError('UNSUPPORTED', `packet delay needs the kernel's netem qdisc, which is missing here (${r.stderr.trim()}); use rate limiting (queueing delay) or loss instead`, n);
      }
      this.shaped.set(n, dev);
      await this.shell.noteShaped?.(n, dev, true);
    }
  }

  async rate(_test: Test, kbit: number, latencyMs: number, nodes?: string[]): Promise<void> {
    if (!(kbit > 0)) throw new FaultlineError('BAD_ARGUMENT', `rate must be positive kbit/s, got ${kbit}`, 'rate');
    const ns = nodes ?? [...this.shell.nodes];
    for (const n of ns) this.f(n).rate = { kbit, latencyMs };
    await this.applyAll(ns);
  }

  /** Undo loss, delay and rate limits (partitions stay; `heal` removes those). */
  async fast(_test: Test): Promise<void> {
    for (const f of this.faults.values()) (f.loss = 0), (f.rate = undefined);
    await this.applyAll(this.shell.nodes);
  }

  /** Re-applies a node's faults (after it restarted, in a fresh network namespace for containers). */
  async reapply(node: string): Promise<void> {
    if (this.shell.scope === 'table') {
      this.shaped.delete(node);
      this.hooked.delete(node);
    }
    await this.apply(node);
  }

  /** The iptables-restore input for a node. */
  rules(node: string): string {
    const f = this.f(node);
    const tag = `-m comment --comment faultline:${this.shell.runId}`;
    const c = this.chain;
    const lines = this.shell.scope === 'table' ? ['*filter', ':INPUT ACCEPT [0:0]', ':FORWARD ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]'] : ['*filter', `:${c} - [0:0]`];
    for (const port of this.shell.keepPorts ?? []) if (f.drop.size || f.loss > 0) lines.push(`-A ${c} -p tcp --dport ${port} ${tag} -j RETURN`);
    for (const ip of [...f.drop].sort()) lines.push(`-A ${c} -s ${ip} ${tag} -j DROP`);
    if (f.loss > 0) lines.push(`-A ${c} -m statistic --mode random --probability ${f.loss} ${tag} -j DROP`);
    lines.push('COMMIT', '');
    return lines.join('\n');
  }

  private async applyAll(nodes: readonly string[]): Promise<void> {
    await Promise.all(nodes.map((n) => this.apply(n)));
  }

  private async must(node: string, argv: string[], stdin?: string): Promise<ShellResult | undefined> {
    const r = await this.shell.run(node, argv, stdin);
    if (r && r.code !== 0) throw new FaultlineError('INTERNAL', `${argv[0]} failed on ${node}: ${r.stderr.trim()}`, node);
    return r;
  }

  private async apply(node: string): Promise<void> {
    const restore = ['iptables-restore', '-w', '5', ...(this.shell.scope === 'chain' ? ['--noflush'] : [])];
    if (!(await this.must(node, restore, this.rules(node)))) return; // down: applied when it starts again
    if (this.shell.scope === 'chain' && !this.hooked.has(node)) {
      const hook = ['INPUT', '-j', this.chain];
      const has = await this.shell.run(node, ['iptables', '-w', '5', '-C', ...hook]);
      if (has && has.code !== 0) await this.must(node, ['iptables', '-w', '5', '-I', ...hook]);
      this.hooked.add(node);
    }
    const f = this.f(node);
    if (f.rate) {
      const dev = await this.shell.device(node);
      // tbf: rate, a burst of at least one MTU-sized packet, and the queueing delay limit.
      const burst = Math.max(1600, Math.ceil((f.rate.kbit * 1000) / 8 / 100));
      const t = await this.shell.run(node, ['tc', 'qdisc', 'replace', 'dev', dev, 'root', 'tbf', 'rate', `${f.rate.kbit}kbit`, 'burst', String(burst), 'latency', `${f.rate.latencyMs}ms`]);
      if (t && t.code !== 0) throw new FaultlineError('UNSUPPORTED', `tc tbf failed on ${node}: ${t.stderr.trim()}`, node);
      if (t && !this.shaped.has(node)) await this.shell.noteShaped?.(node, dev, true);
      if (t) this.shaped.set(node, dev);
    } else if (this.shaped.has(node)) {
      const dev = this.shaped.get(node)!;
      await this.shell.run(node, ['tc', 'qdisc', 'del', 'dev', dev, 'root']); // absent qdisc: nothing to undo
      this.shaped.delete(node);
      await this.shell.noteShaped?.(node, dev, false);
    }
  }

  /** Removes every rule and qdisc of the run from every node (on shared hosts, the chain too). */
  async teardown(): Promise<void> {
    for (const f of this.faults.values()) (f.drop.clear(), (f.loss = 0), (f.rate = undefined));
    await Promise.all(
      this.shell.nodes.map(async (n) => {
        const dev = this.shaped.get(n);
        if (dev) {
          await this.shell.run(n, ['tc', 'qdisc', 'del', 'dev', dev, 'root']);
          await this.shell.noteShaped?.(n, dev, false);
        }
        this.shaped.delete(n);
        if (this.shell.scope === 'table') return;
        await this.shell.run(n, ['iptables', '-w', '5', '-D', 'INPUT', '-j', this.chain]);
        await this.shell.run(n, ['iptables', '-w', '5', '-F', this.chain]);
        await this.shell.run(n, ['iptables', '-w', '5', '-X', this.chain]);
        this.hooked.delete(n);
      }),
    );
  }
}

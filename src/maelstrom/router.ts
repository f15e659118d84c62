// The message router between Maelstrom nodes and faultline's clients. Every message passes
// through here, which is where network faults live: per-link partitions (a Grudge), random loss
// and latency with jitter. Faults apply to node-to-node links only: a client stands for a process
// co-located with its node, so cutting it off would only turn ops into timeouts.
// The router records nothing in the history; it counts messages (NetStats, for the report's
// messages per op) and, when given a journal, logs each one with its send and delivery times.

import type { Grudge } from '../protocols.js';
import { createRng, type Rng } from '../rng.js';
import type { MessageFate, NetJournal } from './net-journal.js';
import { groupOf, NetStats, type EndpointKind } from './net-stats.js';
import type { Message } from './protocol.js';

export type { EndpointKind } from './net-stats.js';

/** Maelstrom's --latency: every node-to-node message is delayed by a draw from `dist` of mean `meanMs`. */
export interface Latency {
  meanMs: number;
  dist: 'constant' | 'uniform' | 'exponential';
}

/** What became of a message. */
export type Fate = 'delivered' | 'partitioned' | 'lost' | 'unroutable';

export interface RouterStats {
  sent: number;
  delivered: number;
  /** Dropped because the receiver holds a grudge against the sender. */
  partitioned: number;
  /** Dropped by random loss. */
  lost: number;
  /** Dropped because the destination is down or unknown. */
  unroutable: number;
  /** Messages by body type (sent). */
  byType: Record<string, number>;
}

interface Endpoint {
  kind: EndpointKind;
  deliver: (m: Message) => void;
}

export class Router {
  private readonly endpoints = new Map<string, Endpoint>();
  /** dest → sources whose messages dest drops. */
  private grudge = new Map<string, Set<string>>();
  private lossP = 0;
  private lossNodes: Set<string> | null = null;
  private delayMs = 0;
  private jitterMs = 0;
  private delayNodes: Set<string> | null = null;
  private readonly rng: Rng;
  private latency: Latency | null = null;
  /** Delayed messages in flight, with their send times. */
  private readonly timers = new Map<NodeJS.Timeout, { m: Message; sent: number }>();
  readonly stats: RouterStats = { sent: 0, delivered: 0, partitioned: 0, lost: 0, unroutable: 0, byType: {} };
  /** Messages by group and type, as Maelstrom's net stats (client retries to a dead node excluded). */
  readonly net = new NetStats();
  /** Every endpoint kind ever registered: a message to a node that died is still a server message. */
  private readonly kinds = new Map<string, EndpointKind>();
  private journal: NetJournal | undefined;
  private clock: () => number = () => 0;
  /** Optional tap (for debugging and tests): sees every message and what happened to it. */
  onMessage?: (m: Message, fate: Fate) => void;

  constructor(seed = 0) {
    this.rng = createRng(seed);
  }

  register(id: string, kind: EndpointKind, deliver: (m: Message) => void): void {
    this.endpoints.set(id, { kind, deliver });
    this.kinds.set(id, kind);
  }

  /** Logs every message from now on to `journal`, timed by `clock` (ns, the history's clock). */
  record(journal: NetJournal, clock: () => number): void {
    this.journal = journal;
    this.clock = clock;
  }

  unregister(id: string): void {
    this.endpoints.delete(id);
  }

  has(id: string): boolean {
    return this.endpoints.has(id);
  }

  /** Replaces the partition: `grudge[a]` lists the nodes whose messages `a` drops. */
  partition(grudge: Grudge): void {
    const g = new Map<string, Set<string>>();
    for (const [dest, srcs] of Object.entries(grudge)) g.set(dest, new Set(srcs));
    this.grudge = g;
  }

  heal(): void {
    this.grudge = new Map();
  }

  /** Current grudge, for reports and tests. */
  currentGrudge(): Grudge {
    const out: Grudge = {};
    for (const [k, v] of this.grudge) out[k] = [...v].sort();
    return out;
  }

  /** Drops each node-to-node message with probability p (touching `nodes` if given). */
  loss(p: number, nodes?: string[]): void {
    this.lossP = Math.min(1, Math.max(0, p));
    this.lossNodes = nodes && nodes.length ? new Set(nodes) : null;
  }

  /** Delays node-to-node messages by ms ± jitterMs (uniform), touching `nodes` if given. */
  delay(ms: number, jitterMs: number, nodes?: string[]): void {
    this.delayMs = Math.max(0, ms);
    this.jitterMs = Math.max(0, jitterMs);
    this.delayNodes = nodes && nodes.length ? new Set(nodes) : null;
  }

  /** The baseline latency of node-to-node messages (null: none); faults add to it. */
  setLatency(l: Latency | null): void {
    this.latency = l && l.meanMs > 0 ? l : null;
  }

  private baseDelay(): number {
    const l = this.latency;
    if (!l) return 0;
    if (l.dist === 'constant') return l.meanMs;
    if (l.dist === 'uniform') return this.rng.next() * 2 * l.meanMs;
    return -l.meanMs * Math.log(1 - this.rng.next());
  }

  /** Undoes loss and delay (not partitions). */
  fast(): void {
    this.lossP = 0;
    this.lossNodes = null;
    this.delayMs = 0;
    this.jitterMs = 0;
    this.delayNodes = null;
  }

  /**
   * Routes a message. Returns what became of it ('delayed': delivered later), so that a client can
   * tell at once that its node is not running: a process co-located with a dead node gets
   * "connection refused" straight away, not a timeout.
   */
  send(m: Message): Fate | 'delayed' {
    this.stats.sent++;
    this.stats.byType[m.body.type] = (this.stats.byType[m.body.type] ?? 0) + 1;
    const src = this.endpoints.get(m.src);
    const dst = this.endpoints.get(m.dest);
    if (src?.kind === 'client' && !dst) {
      // A client whose node is not running is refused (and offers the request again): no message.
      this.stats.unroutable++;
      this.net.refused++;
      this.onMessage?.(m, 'unroutable');
      return 'unroutable';
    }
    const group = groupOf(this.kinds.get(m.src), this.kinds.get(m.dest));
    this.net.sent(group, String(m.body.type));
    const sent = this.clock();
    const interNode = src?.kind === 'node' && dst?.kind === 'node';
    if (interNode || (src === undefined && dst?.kind === 'node')) {
      // A message from a node that just died is still a node message.
      if (this.grudge.get(m.dest)?.has(m.src)) return this.drop(m, 'partitioned', sent);
      if (this.lossP > 0 && touches(this.lossNodes, m) && this.rng.next() < this.lossP) return this.drop(m, 'lost', sent);
      let d = interNode ? this.baseDelay() : 0;
      if ((this.delayMs > 0 || this.jitterMs > 0) && touches(this.delayNodes, m)) {
        d += Math.max(0, this.delayMs + (this.rng.next() * 2 - 1) * this.jitterMs);
      }
      if (d > 0) {
        const t = setTimeout(() => {
          this.timers.delete(t);
          this.deliverNow(m, sent);
        }, d);
        this.timers.set(t, { m, sent });
        return 'delayed';
      }
    }
    return this.deliverNow(m, sent);
  }

  private deliverNow(m: Message, sent: number): Fate {
    const dst = this.endpoints.get(m.dest);
    if (!dst) return this.drop(m, 'unroutable', sent);
    this.stats.delivered++;
    this.resolved(m, sent, 'delivered');
    this.onMessage?.(m, 'delivered');
    dst.deliver(m);
    return 'delivered';
  }

  private drop(m: Message, fate: Exclude<Fate, 'delivered'>, sent: number): Fate {
    this.stats[fate]++;
    this.resolved(m, sent, fate);
    this.onMessage?.(m, fate);
    return fate;
  }

  private resolved(m: Message, sent: number, fate: MessageFate): void {
    if (fate !== 'in-flight') this.net.resolved(groupOf(this.kinds.get(m.src), this.kinds.get(m.dest)), fate === 'delivered');
    this.journal?.add(m, sent, fate === 'in-flight' ? null : this.clock(), fate);
  }

  /** Cancels delayed messages in flight (at teardown; the journal notes them) and closes the journal. */
  close(): void {
    for (const [t, { m, sent }] of this.timers) {
      clearTimeout(t);
      this.resolved(m, sent, 'in-flight');
    }
    this.timers.clear();
    this.journal?.close();
  }
}

function touches(nodes: Set<string> | null, m: Message): boolean {
  return nodes === null || nodes.has(m.src) || nodes.has(m.dest);
}

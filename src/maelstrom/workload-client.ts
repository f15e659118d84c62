// The faultline Client for Maelstrom-protocol clusters: maps workload ops to Maelstrom requests
// with Maelstrom's message schemas (lin-kv read/write/cas, g-set and counters add/read, echo,
// broadcast, txn, generate, kafka send/poll/commit_offsets/list_committed_offsets) and replies
// back to completions. Definite Maelstrom errors become `fail`, timeouts and indefinite errors
// become `info`.

import type { Client, Completion, Invocation, Test } from '../protocols.js';
import { MaelstromClient, RpcDefinite, RpcIndefinite } from './client.js';
import { ERR, errorName, type Body } from './protocol.js';
import type { Router } from './router.js';
import { broadcastOp, echoOp, generateOp, kafkaOp, txnOp } from './workload-ops.js';

/** Workload name → the request schema its client speaks. */
const PROTOCOL = {
  register: 'kv',
  'lin-kv': 'kv',
  set: 'set',
  'g-set': 'set',
  counter: 'counter',
  'g-counter': 'counter',
  'pn-counter': 'counter',
  echo: 'echo',
  broadcast: 'broadcast',
  'txn-list-append': 'txn',
  'txn-rw-register': 'txn',
  'unique-ids': 'generate',
  kafka: 'kafka',
} as const;

export type MaelstromWorkload = keyof typeof PROTOCOL;
export const MAELSTROM_WORKLOADS = Object.keys(PROTOCOL) as MaelstromWorkload[];

/** How a completion records a Maelstrom error. */
export interface MaelstromOpError {
  code: number;
  name: string;
  text: string;
}

export interface WorkloadClientOptions {
  /** The router of the running cluster (looked up when a client opens). */
  router: () => Router;
  workload: MaelstromWorkload;
  timeoutMs: number;
  /** Run once before the first op of any client (the broadcast workload's topology). */
  prepare?: (test: Test) => Promise<void>;
}

export class MaelstromWorkloadClient implements Client {
  constructor(
    private readonly opts: WorkloadClientOptions,
    private readonly node?: string,
    private readonly endpoint?: MaelstromClient,
  ) {}

  async open(test: Test, node: string): Promise<Client> {
    await this.opts.prepare?.(test);
    return new MaelstromWorkloadClient(this.opts, node, new MaelstromClient(this.opts.router()));
  }

  async close(): Promise<void> {
    this.endpoint?.close();
  }

  async invoke(_test: Test, op: Invocation): Promise<Completion> {
    if (!this.endpoint || !this.node) throw new Error('invoke on a client that was not opened');
    try {
      switch (PROTOCOL[this.opts.workload]) {
        case 'kv':
          return await this.register(op);
        case 'set':
          return await this.set(op);
        case 'counter':
          return await this.counter(op);
        case 'echo':
          return await echoOp(op, (b) => this.req(b));
        case 'broadcast':
          return await broadcastOp(op, (b) => this.req(b));
        case 'txn':
          return await txnOp(op, (b) => this.req(b));
        case 'generate':
          return await generateOp(op, (b) => this.req(b));
        case 'kafka':
          return await kafkaOp(op, (b) => this.req(b));
      }
    } catch (e) {
      if (e instanceof RpcDefinite) return { type: 'fail', error: opError(e.code, e.text) };
      if (e instanceof RpcIndefinite) {
        return { type: 'info', error: opError(e.code === 'timeout' ? ERR.timeout : e.code, e.text) };
      }
      throw e;
    }
  }

  private req(body: Omit<Body, 'msg_id'>): Promise<Body> {
    return this.endpoint!.request(this.node!, body, this.opts.timeoutMs);
  }

  /** Values are Jepsen independent tuples [k, v]; a bare value means key 0. */
  private async register(op: Invocation): Promise<Completion> {
    const tuple = Array.isArray(op.value) && op.value.length === 2;
    const key = tuple ? (op.value as unknown[])[0] : 0;
    const v = tuple ? (op.value as unknown[])[1] : op.value;
    const wrap = (x: unknown): unknown => (tuple ? [key, x] : x);
    switch (op.f) {
      case 'read':
        try {
          const r = await this.req({ type: 'read', key });
          return { type: 'ok', value: wrap(r.value ?? null) };
        } catch (e) {
          if (e instanceof RpcDefinite && e.code === ERR.keyDoesNotExist) return { type: 'ok', value: wrap(null) };
          throw e;
        }
      case 'write':
        await this.req({ type: 'write', key, value: v });
        return { type: 'ok', value: op.value };
      case 'cas': {
        if (!Array.isArray(v) || v.length !== 2) throw new Error(`cas value must be [from, to], got ${JSON.stringify(v)}`);
        await this.req({ type: 'cas', key, from: v[0], to: v[1] });
        return { type: 'ok', value: op.value };
      }
      default:
        return { type: 'fail', error: opError(ERR.notSupported, `register workload has no f=${op.f}`) };
    }
  }

  private async set(op: Invocation): Promise<Completion> {
    switch (op.f) {
      case 'add':
        await this.req({ type: 'add', element: op.value });
        return { type: 'ok', value: op.value };
      case 'read': {
        // `workload` is a hint for nodes that serve both a set and a counter; others ignore it.
        const r = await this.req({ type: 'read', workload: 'set' });
        if (!Array.isArray(r.value)) return { type: 'info', error: opError(ERR.malformedRequest, `read_ok value is not an array`) };
        return { type: 'ok', value: sortElements(r.value) };
      }
      default:
        return { type: 'fail', error: opError(ERR.notSupported, `set workload has no f=${op.f}`) };
    }
  }

  private async counter(op: Invocation): Promise<Completion> {
    switch (op.f) {
      case 'add':
        await this.req({ type: 'add', delta: op.value });
        return { type: 'ok', value: op.value };
      case 'read': {
        const r = await this.req({ type: 'read', workload: 'counter' });
        if (typeof r.value !== 'number') return { type: 'info', error: opError(ERR.malformedRequest, `read_ok value is not a number`) };
        return { type: 'ok', value: r.value };
      }
      default:
        return { type: 'fail', error: opError(ERR.notSupported, `counter workload has no f=${op.f}`) };
    }
  }
}

export function opError(code: number, text: string): MaelstromOpError {
  return { code, name: errorName(code), text };
}

/** Numbers ascending, then everything else by its JSON text. */
export function sortElements(xs: unknown[]): unknown[] {
  return xs.slice().sort((a, b) => {
    if (typeof a === 'number' && typeof b === 'number') return a - b;
    if (typeof a === 'number') return -1;
    if (typeof b === 'number') return 1;
    const sa = JSON.stringify(a);
    const sb = JSON.stringify(b);
    return sa < sb ? -1 : sa > sb ? 1 : 0;
  });
}

// Clients for etcd 3.4 through the etcd3 package, each bound to one node's endpoint, for the
// register, set and list-append workloads (the lock is in lease-lock.ts). Retries are off (a retried write could
// apply twice and turn a real outcome into a false one); errors are classified as definite
// (`fail`: the op surely did not happen) or indefinite (`info`).

import type { Etcd3, IOptions } from 'etcd3';
import { createRequire } from 'node:module';

/** etcd3 (gRPC, protobufs) is loaded on first use: start-up of runs without etcd stays fast. */
let lib: typeof import('etcd3') | undefined;
const etcd3 = (): typeof import('etcd3') => (lib ??= createRequire(import.meta.url)('etcd3') as typeof import('etcd3'));
import type { Client, Completion, Invocation, Test } from '../../src/protocols.js';
import { FaultlineError } from '../../src/errors.js';
import type { Endpoint, Endpoints } from '../../src/docker/container-db.js';

export interface EtcdClientConfig {
  /** Endpoint URL of a node: http://ip:2379. */
  endpoint(node: string): string;
  /** 'serializable' reads are served by the node alone (may be stale); 'linearizable' go through the leader. */
  reads: 'linearizable' | 'serializable';
  timeoutMs: number;
  lockTtlS: number;
  /** Prepended to every key: a run's own namespace on a cluster that holds other data. */
  prefix?: string;
}

/** A node's client URL: as the user gave it (an existing cluster), else http://host:port. */
export const etcdUrl = (e: Endpoint): string => e.url ?? `http://${e.host}:${e.port}`;

/** The client settings of a db's options; on an existing cluster keys go under the run's prefix. */
export function etcdConfig(db: Endpoints<{ reads: 'linearizable' | 'serializable'; 'timeout-ms': number; 'lock-ttl': number }>, test: Test): EtcdClientConfig {
  return {
    endpoint: (n) => etcdUrl(db.endpoint(n)),
    reads: db.options.reads,
    timeoutMs: db.options['timeout-ms'],
    lockTtlS: db.options['lock-ttl'],
    ...(db.shared ? { prefix: `faultline/${test.runId}/` } : {}),
  };
}

type FaultHandling = NonNullable<IOptions['faultHandling']>;
/** A policy that runs the call once: no retries, no circuit breaker. */
const once = {
  execute: <T>(fn: (ctx: { signal: AbortSignal }) => Promise<T> | T) => Promise.resolve(fn({ signal: new AbortController().signal })),
  onSuccess: () => ({ dispose() {} }),
  onFailure: () => ({ dispose() {} }),
} as unknown as FaultHandling['global'];

export function connectEtcd(endpoint: string, timeoutMs: number): Etcd3 {
  return new (etcd3().Etcd3)({
    hosts: endpoint,
    dialTimeout: timeoutMs,
    defaultCallOptions: (ctx) => (ctx.isStream ? {} : { deadline: Date.now() + timeoutMs }),
    faultHandling: { global: once, host: () => once as FaultHandling['global'] & object },
    // Reconnect quickly to a restarted node, and let channels that etcd3 closes while they were
    // still connecting give up soon, instead of backing off for up to two minutes.
    grpcOptions: { 'grpc.initial_reconnect_backoff_ms': 200, 'grpc.max_reconnect_backoff_ms': 1000 },
  } as IOptions);
}

function message(e: unknown): string {
  return (e as Error)?.message ?? String(e);
}

/**
 * Could the failed request have taken effect? Only when it surely never reached a server is a
 * write definite: the connection was refused or never established. Timeouts, "leader changed",
 * "request timed out" and the like happen after the proposal may have been made.
 */
export function neverSent(e: unknown): boolean {
  return /ECONNREFUSED|No connection established|failed to connect|EHOSTUNREACH|connection refused|Waiting for LB pick/i.test(message(e));
}

/** A completion for an error: reads have no effect so their failures are always definite. */
export function errorCompletion(e: unknown, isRead: boolean): Completion {
  const error = message(e).split('\n')[0];
  return { type: isRead || neverSent(e) ? 'fail' : 'info', error };
}

const enc = (v: unknown): Buffer => Buffer.from(JSON.stringify(v));
const dec = (b: Buffer | undefined): unknown => (b === undefined ? null : JSON.parse(b.toString('utf8')));

/** Shared plumbing: one etcd3 client per worker, bound to its node. */
abstract class EtcdClientBase implements Client {
  protected etcd?: Etcd3;
  protected node = '';
  constructor(protected readonly cfg: EtcdClientConfig) {}
  protected abstract fresh(): EtcdClientBase;

  async open(_test: Test, node: string): Promise<Client> {
    const c = this.fresh();
    c.node = node;
    c.etcd = connectEtcd(this.cfg.endpoint(node), this.cfg.timeoutMs);
    return c;
  }

  protected get kv(): Etcd3['kv'] {
    if (!this.etcd) throw new FaultlineError('INTERNAL', 'etcd client used before open');
    return this.etcd.kv;
  }

  /** A key of this run (with the configured prefix). */
  protected key(k: string): Buffer {
    return Buffer.from(`${this.cfg.prefix ?? ''}${k}`);
  }

  protected get serializable(): boolean {
    return this.cfg.reads === 'serializable';
  }

  abstract invoke(test: Test, op: Invocation): Promise<Completion>;

  async close(): Promise<void> {
    this.etcd?.close();
  }
}

/** Independent registers: value [k, v]; read, write, cas [k, [from, to]] via a transaction. */
export class EtcdRegisterClient extends EtcdClientBase {
  protected fresh(): EtcdClientBase {
    return new EtcdRegisterClient(this.cfg);
  }

  async invoke(_test: Test, op: Invocation): Promise<Completion> {
    const [k, v] = op.value as [unknown, unknown];
    const key = this.key(`register/${JSON.stringify(k)}`);
    try {
      switch (op.f) {
        case 'read': {
          const r = await this.kv.range({ key, serializable: this.serializable });
          return { type: 'ok', value: [k, dec(r.kvs[0]?.value)] };
        }
        case 'write':
          await this.kv.put({ key, value: enc(v) });
          return { type: 'ok', value: [k, v] };
        case 'cas': {
          const [from, to] = v as [unknown, unknown];
          const r = await this.kv.txn({
            compare: [{ key, target: 'Value', result: 'Equal', value: enc(from) }],
            success: [{ request_put: { key, value: enc(to) } }],
          });
          // The transaction ran: a false comparison is a definite failure.
          return r.succeeded ? { type: 'ok', value: [k, [from, to]] } : { type: 'fail', error: 'cas-mismatch' };
        }
        default:
          throw new FaultlineError('UNSUPPORTED', `register client has no op ${op.f}`);
      }
    } catch (e) {
      if (e instanceof FaultlineError) throw e;
      return errorCompletion(e, op.f === 'read');
    }
  }
}

/** A grow-only set: add puts one key per element under a prefix; read ranges over the prefix. */
export class EtcdSetClient extends EtcdClientBase {
  protected fresh(): EtcdClientBase {
    return new EtcdSetClient(this.cfg);
  }

  async invoke(_test: Test, op: Invocation): Promise<Completion> {
    try {
      if (op.f === 'add') {
        await this.kv.put({ key: this.key(`set/${JSON.stringify(op.value)}`), value: enc(op.value) });
        return { type: 'ok', value: op.value };
      }
      if (op.f === 'read') {
        // 'set/' + 1 = 'set0': the range end covering exactly the prefix.
        const r = await this.kv.range({ key: this.key('set/'), range_end: this.key('set0'), serializable: this.serializable });
        const els = r.kvs.map((kv) => dec(kv.value));
        els.sort((a, b) => (typeof a === 'number' && typeof b === 'number' ? a - b : JSON.stringify(a).localeCompare(JSON.stringify(b))));
        return { type: 'ok', value: els };
      }
      throw new FaultlineError('UNSUPPORTED', `set client has no op ${op.f}`);
    } catch (e) {
      if (e instanceof FaultlineError) throw e;
      return errorCompletion(e, op.f === 'read');
    }
  }
}

type MicroOp = [string, unknown, unknown];

/**
 * Multi-key list-append transactions, optimistic and without retries: one atomic read of every
 * key the transaction touches (their lists and mod revisions), then, if it writes, one etcd
 * transaction that puts the new lists only if no key changed since (mod revision comparison).
 * A failed comparison is a definite `fail`. Read-only transactions are the atomic read alone.
 */
export class EtcdListAppendClient extends EtcdClientBase {
  protected fresh(): EtcdClientBase {
    return new EtcdListAppendClient(this.cfg);
  }

  async invoke(_test: Test, op: Invocation): Promise<Completion> {
    if (op.f !== 'txn') throw new FaultlineError('UNSUPPORTED', `list-append client has no op ${op.f}`);
    const mops = op.value as MicroOp[];
    const keys = [...new Set(mops.map((m) => JSON.stringify(m[1])))];
    const kb = (k: string) => this.key(`list/${k}`);
    const writes = mops.some((m) => m[0] !== 'r');
    let sent = false; // whether the writing transaction went out (before it, failures are definite)
    try {
      const snap = await this.kv.txn({
        success: keys.map((k) => ({ request_range: { key: kb(k), serializable: this.serializable } })),
      });
      const lists = new Map<string, unknown[]>();
      const revs = new Map<string, string>();
      snap.responses.forEach((r, i) => {
        const kv = r.response_range.kvs[0];
        lists.set(keys[i]!, kv ? (dec(kv.value) as unknown[]) : []);
        revs.set(keys[i]!, kv ? kv.mod_revision : '0');
      });
      const dirty = new Set<string>();
      const out: MicroOp[] = mops.map(([f, k, v]) => {
        const key = JSON.stringify(k);
        const cur = lists.get(key)!;
        if (f === 'r') return [f, k, [...cur]];
        if (f === 'append') {
          lists.set(key, [...cur, v]);
          dirty.add(key);
          return [f, k, v];
        }
        if (f === 'w') {
          lists.set(key, [v]);
          dirty.add(key);
          return [f, k, v];
        }
        throw new FaultlineError('UNSUPPORTED', `list-append micro-op ${f}`);
      });
      if (!writes) return { type: 'ok', value: out };
      sent = true;
      const r = await this.kv.txn({
        compare: keys.map((k) => ({ key: kb(k), target: 'Mod', result: 'Equal', mod_revision: revs.get(k)! })),
        success: [...dirty].map((k) => ({ request_put: { key: kb(k), value: enc(lists.get(k)) } })),
      });
      return r.succeeded ? { type: 'ok', value: out } : { type: 'fail', error: 'conflict' };
    } catch (e) {
      if (e instanceof FaultlineError) throw e;
      return errorCompletion(e, !sent);
    }
  }
}

/** Nodes whose status says they lead (a partitioned old leader may still say so). */
export async function etcdLeaders(nodes: readonly string[], endpoint: (node: string) => string): Promise<string[]> {
  const out: string[] = [];
  await Promise.all(
    nodes.map(async (node) => {
      const c = connectEtcd(endpoint(node), 1000);
      try {
        const s = await c.maintenance.status();
        if (s.leader !== '0' && s.leader === s.header.member_id) out.push(node);
      } catch {
        // down, paused or cut off: it cannot be asked, so it is not named
      } finally {
        c.close();
      }
    }),
  );
  return out.sort();
}

/** Resolves when the member at `url` answers /health with a leader; rejects saying what is wrong. */
export async function etcdHealthy(url: string, timeoutMs: number): Promise<void> {
  let body: string;
  try {
    body = await (await fetch(`${url}/health`, { signal: AbortSignal.timeout(timeoutMs) })).text();
  } catch (e) {
    const c = (e as { cause?: { code?: string; message?: string } }).cause;
    throw new Error(c?.code ?? c?.message ?? (e as Error).message);
  }
  if (!/"health":\s*"true"/.test(body)) throw new Error(`unhealthy: ${body.trim().slice(0, 200)}`);
}

// Clients for ZooKeeper 3.8, one session per worker bound to one server: register (znode data,
// cas through versioned setData), set (one child znode per element), queue (the sequential-znode
// recipe) and lock (in lock-recipe.ts). Everything lives under a per-run root znode. Errors are
// definite (`fail`) only when ZooKeeper said so (NoNode, BadVersion, ...) or the op only read;
// a lost connection or a timeout after a write was sent is `info`.

import { FaultlineError } from '../../src/errors.js';
import type { Client, Completion, Invocation, Test } from '../../src/protocols.js';
import { codes, zk, ZkError, ZkSession } from './session.js';

export interface ZkClientConfig {
  /** host:port of a node's client port. */
  endpoint(node: string): string;
  /** Root znode of the run, e.g. /faultline/<run id>. */
  root: string;
  /** 'sync' sends a sync before every read (linearizable reads); 'plain' reads the server's state. */
  reads: 'plain' | 'sync';
  timeoutMs: number;
  sessionTimeoutMs: number;
  /** How long an acquire waits in the queue of the lock recipe before giving up (a definite fail). */
  lockWaitMs: number;
}

const enc = (v: unknown): Buffer => Buffer.from(JSON.stringify(v));
const dec = (b: Buffer | undefined): unknown => (b === undefined || b.length === 0 ? null : JSON.parse(b.toString('utf8')));

export function message(e: unknown): string {
  return ((e as Error)?.message ?? String(e)).split('\n')[0]!;
}

/** A completion for an unexpected error: reads and never-connected calls are definite. */
export function errorCompletion(e: unknown, isRead: boolean): Completion {
  if (e instanceof FaultlineError) throw e;
  const definite = isRead || (e instanceof ZkError && e.code === 'CONNECT');
  return { type: definite ? 'fail' : 'info', error: message(e) };
}

export function isCode(e: unknown, code: number): boolean {
  return e instanceof ZkError && e.code === code;
}

/** Shared plumbing: the session, the run's paths, and reads with or without sync. */
export abstract class ZkClientBase implements Client {
  protected session?: ZkSession;
  constructor(protected readonly cfg: ZkClientConfig) {}
  protected abstract fresh(): ZkClientBase;
  /** Znodes this client's setup creates (persistent, empty), relative to the root. */
  protected dirs(): string[] {
    return [];
  }

  async open(_test: Test, node: string): Promise<Client> {
    const c = this.fresh();
    c.session = await ZkSession.open(this.cfg.endpoint(node), { sessionTimeoutMs: this.cfg.sessionTimeoutMs, timeoutMs: this.cfg.timeoutMs });
    return c;
  }

  async setup(_test: Test): Promise<void> {
    for (const d of ['', ...this.dirs()]) await this.s.mkdirp(this.path(d));
  }

  protected get s(): ZkSession {
    if (!this.session) throw new FaultlineError('INTERNAL', 'ZooKeeper client used before open');
    return this.session;
  }

  protected path(rel: string): string {
    return rel ? `${this.cfg.root}/${rel}` : this.cfg.root;
  }

  /** Before a read: with reads=sync, make the server catch up with the leader first. */
  protected async beforeRead(path: string): Promise<void> {
    if (this.cfg.reads === 'sync') await this.s.sync(path);
  }

  /** A znode's children; none when the znode does not exist (the server says so: definite). */
  protected async children(path: string): Promise<string[]> {
    try {
      return await this.s.getChildren(path);
    } catch (e) {
      if (isCode(e, codes().NO_NODE)) return [];
      throw e;
    }
  }

  abstract invoke(test: Test, op: Invocation): Promise<Completion>;

  freeze(): void {
    this.session?.freeze();
  }

  thaw(): void {
    this.session?.thaw();
  }

  async close(): Promise<void> {
    this.session?.close();
  }
}

/** Independent registers [k, v]: read = getData, write = setData (create when absent), cas = versioned setData. */
export class ZkRegisterClient extends ZkClientBase {
  protected fresh(): ZkClientBase {
    return new ZkRegisterClient(this.cfg);
  }
  protected override dirs(): string[] {
    return ['register'];
  }

  async invoke(_test: Test, op: Invocation): Promise<Completion> {
    const [k, v] = op.value as [unknown, unknown];
    const path = this.path(`register/${encodeURIComponent(JSON.stringify(k))}`);
    const { NO_NODE, NODE_EXISTS, BAD_VERSION } = codes();
    try {
      switch (op.f) {
        case 'read': {
          await this.beforeRead(path);
          try {
            return { type: 'ok', value: [k, dec((await this.s.getData(path)).data)] };
          } catch (e) {
            if (isCode(e, NO_NODE)) return { type: 'ok', value: [k, null] };
            throw e;
          }
        }
        case 'write': {
          try {
            await this.s.setData(path, enc(v));
          } catch (e) {
            if (!isCode(e, NO_NODE)) throw e;
            try {
              await this.s.create(path, enc(v), zk().CreateMode.PERSISTENT);
            } catch (e2) {
              // Created concurrently by another writer: ours goes on top of it.
              if (!isCode(e2, NODE_EXISTS)) throw e2;
              await this.s.setData(path, enc(v));
            }
          }
          return { type: 'ok', value: [k, v] };
        }
        case 'cas': {
          const [from, to] = v as [unknown, unknown];
          let cur: { data: Buffer | undefined; stat: { version: number } };
          try {
            cur = await this.s.getData(path);
          } catch (e) {
            if (isCode(e, NO_NODE)) return { type: 'fail', error: 'cas-mismatch (no znode)' };
            return errorCompletion(e, true); // nothing written yet
          }
          if (JSON.stringify(dec(cur.data)) !== JSON.stringify(from)) return { type: 'fail', error: 'cas-mismatch' };
          try {
            await this.s.setData(path, enc(to), cur.stat.version);
          } catch (e) {
            // The version moved on (or the znode went): the conditional write surely did not apply.
            if (isCode(e, BAD_VERSION) || isCode(e, NO_NODE)) return { type: 'fail', error: 'cas-mismatch (version changed)' };
            throw e;
          }
          return { type: 'ok', value: [k, [from, to]] };
        }
        default:
          throw new FaultlineError('UNSUPPORTED', `register client has no op ${op.f}`);
      }
    } catch (e) {
      return errorCompletion(e, op.f === 'read');
    }
  }
}

/** A grow-only set: add creates the child znode set/<element>; read lists the children. */
export class ZkSetClient extends ZkClientBase {
  protected fresh(): ZkClientBase {
    return new ZkSetClient(this.cfg);
  }
  protected override dirs(): string[] {
    return ['set'];
  }

  async invoke(_test: Test, op: Invocation): Promise<Completion> {
    try {
      if (op.f === 'add') {
        try {
          await this.s.create(this.path(`set/${JSON.stringify(op.value)}`), undefined, zk().CreateMode.PERSISTENT);
        } catch (e) {
          if (!isCode(e, codes().NODE_EXISTS)) throw e;
        }
        return { type: 'ok', value: op.value };
      }
      if (op.f === 'read') {
        await this.beforeRead(this.path('set'));
        // The set is the children of a znode made at setup; if the ensemble no longer has that
        // znode (lost after power failures), the set it answers for is empty.
        const els = (await this.children(this.path('set'))).map((c) => JSON.parse(c) as unknown);
        els.sort((a, b) => (typeof a === 'number' && typeof b === 'number' ? a - b : JSON.stringify(a).localeCompare(JSON.stringify(b))));
        return { type: 'ok', value: els };
      }
      throw new FaultlineError('UNSUPPORTED', `set client has no op ${op.f}`);
    } catch (e) {
      return errorCompletion(e, op.f === 'read');
    }
  }
}

/**
 * The queue recipe: enqueue creates queue/q-<sequence> (persistent sequential) holding the value;
 * dequeue reads the lowest child and deletes it (racing consumers: a child already gone is skipped);
 * drain dequeues until the queue is empty.
 */
export class ZkQueueClient extends ZkClientBase {
  protected fresh(): ZkClientBase {
    return new ZkQueueClient(this.cfg);
  }
  protected override dirs(): string[] {
    return ['queue'];
  }

  /** One element off the head, or undefined when empty. Throws `{ indefinite }` errors as they come. */
  private async takeOne(): Promise<{ value: unknown } | undefined> {
    const { NO_NODE } = codes();
    for (;;) {
      await this.beforeRead(this.path('queue'));
      const children = (await this.children(this.path('queue'))).sort();
      if (children.length === 0) return undefined;
      for (const c of children) {
        const p = this.path(`queue/${c}`);
        let data: Buffer | undefined;
        try {
          data = (await this.s.getData(p)).data;
        } catch (e) {
          if (isCode(e, NO_NODE)) continue;
          throw e;
        }
        try {
          await this.s.remove(p);
        } catch (e) {
          if (isCode(e, NO_NODE)) continue; // another consumer took it
          throw Object.assign(e as object, { indefinite: true });
        }
        return { value: dec(data) };
      }
    }
  }

  async invoke(_test: Test, op: Invocation): Promise<Completion> {
    try {
      switch (op.f) {
        case 'enqueue':
          await this.s.create(this.path('queue/q-'), enc(op.value), zk().CreateMode.PERSISTENT_SEQUENTIAL);
          return { type: 'ok', value: op.value };
        case 'dequeue': {
          const got = await this.takeOne();
          return { type: 'ok', value: got ? got.value : null };
        }
        case 'drain': {
          const out: unknown[] = [];
          try {
            for (let got = await this.takeOne(); got; got = await this.takeOne()) out.push(got.value);
          } catch (e) {
            // What was taken is surely dequeued: report it (what remains is for the other drains; an
            // element whose removal was indefinite may then count as lost, and the error says so).
            if (out.length === 0) throw e;
            return { type: 'ok', value: out, error: `drain stopped early: ${message(e)}` };
          }
          return { type: 'ok', value: out };
        }
        default:
          throw new FaultlineError('UNSUPPORTED', `queue client has no op ${op.f}`);
      }
    } catch (e) {
      // A failed removal may have taken an element: indefinite. A failed listing or read took nothing.
      const indefinite = op.f === 'enqueue' || (e as { indefinite?: boolean }).indefinite === true;
      return errorCompletion(e, !indefinite);
    }
  }
}

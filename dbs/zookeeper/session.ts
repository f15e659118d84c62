// One ZooKeeper session bound to one server, as promises with per-call timeouts, over the pure
// JavaScript node-zookeeper-client (the `zookeeper` package needs node-gyp and a C toolchain at
// install time, with no Linux prebuilds). Retries are off: a retried create or setData could apply
// twice. Two additions the library lacks: `sync` (ZooKeeper's op 9), and freeze/thaw, which stop
// the session's traffic (pings included) and hold everything its connection hears until the thaw,
// as a GC or VM pause of the client process would.

import { createRequire } from 'node:module';
import type { Socket } from 'node:net';
import type { Client as ZkClient, Stat } from 'node-zookeeper-client';

const require = createRequire(import.meta.url);
type Lib = typeof import('node-zookeeper-client');
let lib: Lib | undefined;
/** Loaded on first use: runs without ZooKeeper do not pay for it. */
export const zk = (): Lib => (lib ??= require('node-zookeeper-client') as Lib);

/** An error with ZooKeeper's code (e.g. NO_NODE = -101) or our own 'TIMEOUT' / 'CONNECT'. */
export class ZkError extends Error {
  constructor(
    readonly code: number | 'TIMEOUT' | 'CONNECT',
    message: string,
  ) {
    super(message);
  }
}

/** The parts of the library's connection manager the shims reach into. */
interface ConnectionManager {
  queue(request: unknown, cb: (e: unknown, response?: { payload?: { path?: string } }) => void): void;
  socket?: Socket;
  pingTimeout: number;
  onSocketTimeout(): void;
}

/** The connection's events the library acts on (replies, a closed connection, its ping timer). */
const HELD_EVENTS = ['connect', 'data', 'drain', 'error', 'close', 'timeout'] as const;
type Listener = (...args: unknown[]) => void;

/** A frozen session: its socket's listeners, set aside, and the events they have not heard yet. */
interface Held {
  sock: Socket;
  listeners: Map<string, Listener[]>;
  events: Array<[string, unknown[]]>;
}

export interface SessionOptions {
  sessionTimeoutMs: number;
  /** Per-call budget; past it the call rejects with ZkError('TIMEOUT'). */
  timeoutMs: number;
}

export class ZkSession {
  private held?: Held;
  expired = false;
  private constructor(
    readonly client: ZkClient,
    readonly host: string,
    private readonly opts: SessionOptions,
  ) {}

  /** Connects to one server (host:port) and waits for the session, or fails within timeoutMs. */
  static open(host: string, opts: SessionOptions): Promise<ZkSession> {
    const client = zk().createClient(host, { sessionTimeout: opts.sessionTimeoutMs, spinDelay: 200, retries: 0 });
    const s = new ZkSession(client, host, opts);
    s.guardDecoding();
    client.on('expired', () => (s.expired = true));
    // Establishing a session takes a round trip through the leader: allow more than one request's budget.
    const connectMs = Math.max(10_000, opts.timeoutMs * 3);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        client.close();
        reject(new ZkError('CONNECT', `no ZooKeeper session with ${host} within ${connectMs} ms`));
      }, connectMs);
      client.once('connected', () => {
        clearTimeout(timer);
        resolve(s);
      });
      client.connect();
    });
  }

  /** Runs one library call with the per-call timeout; library errors keep their ZooKeeper code. */
  call<T>(what: string, f: (cb: (e: unknown, v?: T) => void) => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new ZkError('TIMEOUT', `${what}: no answer within ${this.opts.timeoutMs} ms`)), this.opts.timeoutMs);
      f((e, v) => {
        clearTimeout(timer);
        if (e) {
          const code = (e as { code?: number }).code;
          reject(new ZkError(typeof code === 'number' ? code : 'CONNECT', `${what}: ${(e as Error).message ?? String(e)}`));
        } else resolve(v as T);
      });
    });
  }

  getData(path: string, watch?: () => void): Promise<{ data: Buffer | undefined; stat: Stat }> {
    return this.call('getData', (cb) => {
      const done = (e: unknown, data?: Buffer, stat?: Stat) => cb(e, { data, stat: stat! });
      if (watch) this.client.getData(path, watch, done);
      else this.client.getData(path, done);
    });
  }

  setData(path: string, data: Buffer, version = -1): Promise<Stat> {
    return this.call('setData', (cb) => this.client.setData(path, data, version, cb));
  }

  create(path: string, data: Buffer | undefined, mode: number): Promise<string> {
    return this.call('create', (cb) => this.client.create(path, data ?? Buffer.alloc(0), mode, cb));
  }

  remove(path: string, version = -1): Promise<void> {
    return this.call('remove', (cb) => this.client.remove(path, version, (e) => cb(e)));
  }

  getChildren(path: string, watch?: () => void): Promise<string[]> {
    return this.call('getChildren', (cb) => {
      if (watch) this.client.getChildren(path, watch, (e, children) => cb(e, children));
      else this.client.getChildren(path, (e, children) => cb(e, children));
    });
  }

  exists(path: string, watch?: () => void): Promise<Stat | null> {
    return this.call('exists', (cb) => {
      const done = (e: unknown, stat?: Stat) => cb(e, stat ?? null);
      if (watch) this.client.exists(path, watch, done);
      else this.client.exists(path, done);
    });
  }

  /** Creates `path` and its parents (persistent, empty) where missing. */
  async mkdirp(path: string): Promise<void> {
    await this.call('mkdirp', (cb) => this.client.mkdirp(path, (e) => cb(e)));
  }

  /**
   * ZooKeeper's sync: the server this session talks to catches up with the leader before answering,
   * so a read after it sees every write committed before the sync began. The library has no sync
   * and decodes responses by the request's op code; a sync's response (one path) has the shape of a
   * create's, so the request goes out as op 9 and is decoded as a create's response.
   */
  sync(path: string): Promise<void> {
    const jute = require('node-zookeeper-client/lib/jute/index.js') as {
      OP_CODES: { SYNC: number; CREATE: number };
      protocol: Record<string, new () => Record<string, unknown>>;
      Request: new (header: unknown, payload: unknown) => { toBuffer(): Buffer };
    };
    const header = new jute.protocol.RequestHeader!();
    const payload = new jute.protocol.GetACLRequest!(); // { path }: the same fields as SyncRequest
    payload.path = path;
    header.type = jute.OP_CODES.CREATE;
    const request = new jute.Request(header, payload);
    const toBuffer = request.toBuffer.bind(request);
    request.toBuffer = () => {
      header.type = jute.OP_CODES.SYNC;
      try {
        return toBuffer();
      } finally {
        header.type = jute.OP_CODES.CREATE;
      }
    };
    return this.call('sync', (cb) => this.manager().queue(request, (e) => cb(e)));
  }

  /**
   * The library decodes replies inside its socket's data listener and throws there on a reply it
   * cannot decode (seen under partitions and clock faults: "Unknown code: -1174208512"), which
   * crashes the whole process. A reply we cannot read means the connection is broken: drop it, as
   * the library itself does on an unknown op code; its pending calls then fail with a connection
   * loss and it reconnects. (The library binds the instance's handler at each connect.)
   */
  private guardDecoding(): void {
    const m = this.manager() as ConnectionManager & { onSocketData(b: Buffer): void; pendingBuffer?: Buffer | null };
    const decode = Object.getPrototypeOf(m).onSocketData as (this: ConnectionManager, b: Buffer) => void;
    m.onSocketData = function (this: typeof m, b: Buffer) {
      try {
        decode.call(this, b);
      } catch {
        this.pendingBuffer = null;
        this.socket?.destroy();
      }
    };
  }

  private manager(): ConnectionManager {
    return (this.client as unknown as { connectionManager: ConnectionManager }).connectionManager;
  }

  /**
   * Stops all traffic of the session: no pings, and nothing its connection hears reaches the
   * library until the thaw. Pausing the socket is not enough: a paused socket still sees the
   * server close an idle connection (ZooKeeper does, after the session timeout, rounded to its
   * connection-expiry interval), the library then reconnects on a fresh socket, revalidates the
   * session and pings again, so the "frozen" holder keeps its session and its lock.
   */
  freeze(): void {
    const sock = this.manager().socket;
    if (this.held || !sock) return;
    sock.setTimeout(0);
    const held: Held = { sock, listeners: new Map(), events: [] };
    for (const name of HELD_EVENTS) {
      held.listeners.set(name, sock.rawListeners(name) as Listener[]);
      sock.removeAllListeners(name);
      sock.on(name, (...args: unknown[]) => void held.events.push([name, args]));
    }
    this.held = held;
  }

  /** Lets the session run again: first it hears, in order, what came meanwhile (a closed connection: it reconnects). */
  thaw(): void {
    const held = this.held;
    if (!held) return;
    this.held = undefined;
    const { sock } = held;
    for (const name of HELD_EVENTS) {
      sock.removeAllListeners(name);
      for (const l of held.listeners.get(name)!) sock.on(name, l);
    }
    for (const [name, args] of held.events) sock.emit(name, ...args);
    const m = this.manager();
    if (m.socket === sock && !sock.destroyed) {
      // The library's ping listener is still registered (its timer was off): re-arm the timer only.
      if (sock.listenerCount('timeout') === 0) sock.once('timeout', () => m.onSocketTimeout());
      sock.setTimeout(m.pingTimeout);
    }
  }

  close(): void {
    this.client.close();
  }
}

/** The library's error codes by name (for classification). */
export function codes(): { NO_NODE: number; NODE_EXISTS: number; BAD_VERSION: number; NOT_EMPTY: number } {
  const E = zk().Exception;
  return { NO_NODE: E.NO_NODE, NODE_EXISTS: E.NODE_EXISTS, BAD_VERSION: E.BAD_VERSION, NOT_EMPTY: E.NOT_EMPTY };
}

// A client endpoint (c1, c2, ...) on the Router: sends a request to a node with a fresh msg_id and
// awaits the reply. A timeout or an indefinite Maelstrom error is an RpcIndefinite (the op may
// have happened: record `info`); a definite error is an RpcDefinite (record `fail`), and so is a
// request that no node process took before the timeout (its node was not running).

import { ERR, errorName, isDefinite, type Body } from './protocol.js';
import type { Router } from './router.js';

/** The request surely did not take effect. */
export class RpcDefinite extends Error {
  constructor(
    readonly code: number,
    readonly text: string,
  ) {
    super(`${errorName(code)} (${code})${text ? `: ${text}` : ''}`);
    this.name = 'RpcDefinite';
  }
}

/** The request may or may not have taken effect (timeout, crash, unknown error code). */
export class RpcIndefinite extends Error {
  constructor(
    readonly code: number | 'timeout',
    readonly text: string,
  ) {
    super(code === 'timeout' ? `timeout: ${text}` : `${errorName(code)} (${code})${text ? `: ${text}` : ''}`);
    this.name = 'RpcIndefinite';
  }
}

let nextClientNumber = 1;

/** How often a request to a node that is not running is offered again. */
const RECONNECT_MS = 50;

export class MaelstromClient {
  readonly id: string;
  private nextMsgId = 1;
  private readonly waiting = new Map<number, { resolve: (b: Body) => void; timer: NodeJS.Timeout }>();
  private closed = false;

  /** `id` defaults to the next free c<N> of this process. */
  constructor(
    private readonly router: Router,
    id?: string,
  ) {
    this.id = id ?? `c${nextClientNumber++}`;
    router.register(this.id, 'client', (m) => {
      const r = m.body.in_reply_to;
      const w = r === undefined ? undefined : this.waiting.get(r);
      if (!w) return; // a late reply to a request that already timed out
      clearTimeout(w.timer);
      this.waiting.delete(r!);
      w.resolve(m.body);
    });
  }

  /** Sends `body` to `dest`; resolves with the reply body; throws RpcDefinite / RpcIndefinite. */
  async request(dest: string, body: Omit<Body, 'msg_id'>, timeoutMs: number): Promise<Body> {
    if (this.closed) throw new RpcDefinite(14, 'client closed');
    const msgId = this.nextMsgId++;
    const msg = { src: this.id, dest, body: { ...body, msg_id: msgId } as Body };
    const reply = await new Promise<Body | null | 'refused'>((resolve) => {
      // A node that is not running takes nothing: like a client reconnecting until its deadline,
      // keep offering the request (the node may be restarted meanwhile); never taken, it surely
      // did not happen. Refusing at once instead gave a killed node's clients most of the ops.
      let retry: NodeJS.Timeout | undefined;
      const timer = setTimeout(() => {
        clearInterval(retry);
        this.waiting.delete(msgId);
        resolve(retry === undefined ? null : 'refused');
      }, timeoutMs);
      this.waiting.set(msgId, { resolve: (b) => { clearInterval(retry); resolve(b); }, timer });
      if (this.router.send(msg) === 'unroutable') {
        retry = setInterval(() => {
          if (this.router.send(msg) !== 'unroutable') {
            clearInterval(retry);
            retry = undefined;
          }
        }, RECONNECT_MS);
      }
    });
    if (reply === 'refused') throw new RpcDefinite(ERR.temporarilyUnavailable, `connection refused: ${dest} is not running`);
    if (reply === null) throw new RpcIndefinite('timeout', `no reply from ${dest} within ${timeoutMs} ms`);
    if (reply.type === 'error') {
      const code = typeof reply.code === 'number' ? reply.code : -1;
      const text = typeof reply.text === 'string' ? reply.text : '';
      if (isDefinite(code)) throw new RpcDefinite(code, text);
      throw new RpcIndefinite(code, text);
    }
    return reply;
  }

  /** Unregisters; requests still waiting time out as usual. */
  close(): void {
    this.closed = true;
    this.router.unregister(this.id);
  }
}

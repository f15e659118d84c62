// The small runtime shared by the built-in Maelstrom nodes (Raft, gossip): reads messages from
// stdin, answers `init`, dispatches by body type, sends and replies on stdout, and keeps RPC
// callbacks for node-to-node requests. A node exits when stdin closes, so it never outlives
// faultline even if faultline is killed with SIGKILL.

import { encodeMessage, errorBody, ERR, LineSplitter, parseMessage, type Body, type Message } from '../../src/maelstrom/protocol.js';

export type Handler = (m: Message) => void;

export class NodeRuntime {
  nodeId = '';
  nodeIds: string[] = [];
  private readonly handlers = new Map<string, Handler>();
  private readonly callbacks = new Map<number, { cb: (b: Body) => void; timer: NodeJS.Timeout }>();
  private nextMsgId = 1;
  private onInit: (() => void) | undefined;
  /** Messages sent during this turn of the event loop, written together (see send). */
  private out: string[] = [];

  /** The bug switch: `--bug NAME` on the command line or FAULTLINE_BUG in the environment. */
  readonly bug: string | undefined;
  /** Where to persist state: FAULTLINE_NODE_DIR or the working directory. */
  readonly dataDir: string;

  constructor(argv: string[] = process.argv.slice(2)) {
    const i = argv.indexOf('--bug');
    this.bug = (i >= 0 ? argv[i + 1] : undefined) || process.env.FAULTLINE_BUG || undefined;
    this.dataDir = process.env.FAULTLINE_NODE_DIR || process.cwd();
  }

  /** Registers the handler for a body type. */
  on(type: string, h: Handler): void {
    this.handlers.set(type, h);
  }

  /** Starts reading stdin; `onInit` runs once node_id and node_ids are known. */
  run(onInit: () => void): void {
    this.onInit = onInit;
    const splitter = new LineSplitter((line) => this.handleLine(line));
    process.stdin.on('data', (c: Buffer) => splitter.push(c));
    process.stdin.on('end', () => process.exit(0));
    process.stdout.on('error', () => process.exit(0));
  }

  log(msg: string): void {
    process.stderr.write(`${new Date().toISOString()} ${this.nodeId || '?'} ${msg}\n`);
  }

  /**
   * Queues a message; everything sent in one turn of the event loop (all the input read in it,
   * and the timers) goes out in one write at its end (a write per message was a system call per message, a good part of
   * a node's CPU at a thousand requests a second). State is persisted synchronously before any
   * send, so holding messages back until then changes nothing a crash could observe.
   */
  send(dest: string, body: Body): void {
    if (this.out.length === 0) setImmediate(() => this.flush());
    this.out.push(encodeMessage({ src: this.nodeId, dest, body }));
  }

  private flush(): void {
    const text = this.out.join('');
    this.out = [];
    if (text) process.stdout.write(text);
  }

  reply(req: Message, body: Body): void {
    this.send(req.src, { ...body, in_reply_to: req.body.msg_id });
  }

  replyError(req: Message, code: number, text: string): void {
    this.send(req.src, errorBody(code, text, req.body.msg_id));
  }

  /** Sends a request to another node; `cb` gets the reply, or nothing after `timeoutMs`. */
  rpc(dest: string, body: Body, cb: (reply: Body) => void, timeoutMs = 1000): void {
    const msgId = this.nextMsgId++;
    const timer = setTimeout(() => this.callbacks.delete(msgId), timeoutMs);
    this.callbacks.set(msgId, { cb, timer });
    this.send(dest, { ...body, msg_id: msgId });
  }

  /** The other nodes. */
  peers(): string[] {
    return this.nodeIds.filter((n) => n !== this.nodeId);
  }

  private handleLine(line: string): void {
    const m = parseMessage(line);
    if (typeof m === 'string') {
      this.log(`malformed input (${m}): ${line.slice(0, 200)}`);
      return;
    }
    const b = m.body;
    if (b.in_reply_to !== undefined && this.callbacks.has(b.in_reply_to)) {
      const c = this.callbacks.get(b.in_reply_to)!;
      this.callbacks.delete(b.in_reply_to);
      clearTimeout(c.timer);
      c.cb(b);
      return;
    }
    if (b.type === 'init') {
      this.nodeId = String(b.node_id);
      this.nodeIds = Array.isArray(b.node_ids) ? b.node_ids.map(String) : [this.nodeId];
      this.onInit?.();
      this.onInit = undefined;
      this.reply(m, { type: 'init_ok' });
      return;
    }
    if (b.in_reply_to !== undefined) return; // late reply
    const h = this.handlers.get(b.type);
    if (!h) {
      if (b.msg_id !== undefined) this.replyError(m, ERR.notSupported, `unsupported request type ${b.type}`);
      return;
    }
    try {
      h(m);
    } catch (e) {
      this.log(`handler for ${b.type} crashed: ${(e as Error).stack ?? String(e)}`);
      if (b.msg_id !== undefined) this.replyError(m, ERR.crash, `node error: ${(e as Error).message}`);
    }
  }
}

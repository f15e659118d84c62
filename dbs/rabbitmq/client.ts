// The queue workload's client for RabbitMQ (amqplib), bound to one node: enqueue publishes a
// persistent message with publisher confirms (mandatory, so an unroutable one comes back),
// dequeue is basic.get with a manual ack, drain gets until the queue stays empty. Outcomes are
// definite only when they must be: a confirm that never came, or a nack, is `info` (the message
// may still be in the queue); a get that failed delivered nothing to us (an unacked delivery goes
// back to the queue when the channel closes), so it is `fail`. Every message a get returned is
// reported, whether or not its ack arrived: an ack lost in a fault means a redelivery, which
// total-queue counts as an allowed duplicate.

import type { Channel, ChannelModel, ConfirmChannel, GetMessage } from 'amqplib';
import { createRequire } from 'node:module';
import type { Client, Completion, Invocation, Test } from '../../src/protocols.js';
import type { Endpoints } from '../../src/docker/container-db.js';
import type { RabbitOptions } from './index.js';

// amqplib is loaded on first use: runs of other dbs do not pay for it.
let lib: typeof import('amqplib') | undefined;
const amqp = (): typeof import('amqplib') => (lib ??= createRequire(import.meta.url)('amqplib') as typeof import('amqplib'));

const message = (e: unknown): string => ((e as Error)?.message ?? String(e)).split('\n')[0]!;

/** Rejects after `ms` with a timeout error; the caller then drops the connection. */
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: NodeJS.Timeout;
  return Promise.race([p, new Promise<never>((_, rej) => (t = setTimeout(() => rej(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms)))]).finally(() => clearTimeout(t));
}

class NotConnected extends Error {}

/**
 * Closes a connection politely for at most half a second, then destroys its socket. A polite
 * close waits for the broker's close-ok, which a cut-off, paused or overloaded node may never
 * send: awaited unbounded, it hung a dequeue for minutes.
 */
async function closeQuickly(model: ChannelModel): Promise<void> {
  await within(model.close(), 500, 'close').catch(() => (model as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy());
}

interface Conn {
  model: ChannelModel;
  confirm: ConfirmChannel;
  get: Channel;
  /** Message ids returned as unroutable (mandatory publishes). */
  returned: Set<string>;
  broken?: string;
}

export class RabbitQueueClient implements Client {
  private conn?: Conn;
  private node = '';

  constructor(private readonly db: Endpoints<RabbitOptions>, private readonly queue: string) {}

  private get timeoutMs(): number {
    return this.db.options['timeout-ms'];
  }

  async open(_test: Test, node: string): Promise<Client> {
    const c = new RabbitQueueClient(this.db, this.queue);
    c.node = node;
    return c;
  }

  /** Connects on first use, so a node that is down fails the op, not the run. */
  private async connect(): Promise<Conn> {
    if (this.conn && !this.conn.broken) return this.conn;
    await this.drop();
    const e = this.db.endpoint(this.node);
    let model: ChannelModel;
    try {
      model = await within(amqp().connect({ hostname: e.host, port: e.port, username: 'guest', password: 'guest', heartbeat: 2 }, { timeout: this.timeoutMs }), this.timeoutMs, 'a connection');
    } catch (err) {
      throw new NotConnected(message(err));
    }
    const conn = { model } as Conn;
    conn.returned = new Set();
    const broke = (err?: unknown) => (conn.broken ??= err ? message(err) : 'connection closed');
    model.on('error', broke);
    model.on('close', broke);
    try {
      conn.confirm = await within(model.createConfirmChannel(), this.timeoutMs, 'a channel');
      conn.get = await within(model.createChannel(), this.timeoutMs, 'a channel');
    } catch (err) {
      await closeQuickly(model);
      throw new NotConnected(message(err));
    }
    for (const ch of [conn.confirm, conn.get]) {
      ch.on('error', broke);
      ch.on('close', () => broke('channel closed'));
    }
    conn.confirm.on('return', (m: { properties: { messageId?: string } }) => m.properties.messageId && conn.returned.add(m.properties.messageId));
    this.conn = conn;
    return conn;
  }

  private async drop(): Promise<void> {
    const c = this.conn;
    this.conn = undefined;
    if (c) await closeQuickly(c.model);
  }

  async setup(test: Test): Promise<void> {
    const c = await this.connect();
    const quorum = this.db.options.queue === 'quorum';
    await within(c.get.assertQueue(this.queue, { durable: true, arguments: quorum ? { 'x-queue-type': 'quorum' } : { 'x-queue-type': 'classic' } }), 30_000, 'declaring the queue');
    test.log.info(`rabbitmq: ${this.db.options.queue} queue ${this.queue} declared through ${this.node}`);
  }

  async invoke(_test: Test, op: Invocation): Promise<Completion> {
    switch (op.f) {
      case 'enqueue':
        return this.enqueue(op.value);
      case 'dequeue':
        return this.dequeue();
      case 'drain':
        return this.drain();
      default:
        return { type: 'fail', error: `the rabbitmq client has no op ${op.f}` };
    }
  }

  private async enqueue(v: unknown): Promise<Completion> {
    let c: Conn;
    try {
      c = await this.connect();
    } catch (e) {
      return { type: 'fail', error: `not connected: ${message(e)}` };
    }
    const id = String(v);
    try {
      await within(
        new Promise<void>((resolve, reject) => {
          const sent = c.confirm.sendToQueue(this.queue, Buffer.from(JSON.stringify(v)), { persistent: true, mandatory: true, messageId: id }, (err) => (err ? reject(new Error('nack')) : resolve()));
          void sent;
        }),
        this.timeoutMs,
        'the publisher confirm',
      );
    } catch (e) {
      await this.drop();
      return { type: 'info', error: message(e) };
    }
    // A mandatory message nobody could route comes back before its confirm: not enqueued.
    if (c.returned.delete(id)) return { type: 'fail', error: 'unroutable (returned)' };
    return { type: 'ok' };
  }

  /** One basic.get with a manual ack: the message, or null when the queue is empty. */
  private async getOne(c: Conn): Promise<{ value: unknown } | null> {
    const m = (await within(c.get.get(this.queue, { noAck: false }), this.timeoutMs, 'basic.get')) as GetMessage | false;
    if (!m) return null;
    const value = JSON.parse(m.content.toString('utf8')) as unknown;
    try {
      c.get.ack(m);
    } catch {
      // The ack is lost with the channel: the message will be delivered again (a duplicate).
    }
    return { value };
  }

  private async dequeue(): Promise<Completion> {
    try {
      const c = await this.connect();
      const got = await this.getOne(c);
      return { type: 'ok', value: got ? got.value : null };
    } catch (e) {
      await this.drop();
      return { type: 'fail', error: message(e) };
    }
  }

  /**
   * Gets until the queue has been empty twice, half a second apart (deliveries held by connections
   * that died are requeued once the broker notices), reconnecting after errors, within the op's
   * time. Every message received is reported; if the queue could not be emptied in time the
   * completion says so in `error`.
   */
  private async drain(): Promise<Completion> {
    const out: unknown[] = [];
    const deadline = Date.now() + 4000;
    let empties = 0;
    let last = '';
    while (Date.now() < deadline && empties < 2) {
      try {
        const c = await this.connect();
        const got = await this.getOne(c);
        if (got) {
          out.push(got.value);
          empties = 0;
        } else if (++empties < 2) await new Promise((r) => setTimeout(r, 500));
      } catch (e) {
        last = message(e);
        await this.drop();
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    return { type: 'ok', value: out, ...(empties < 2 ? { error: `drain incomplete after 4 s${last ? `: ${last}` : ''}` } : {}) };
  }

  async close(): Promise<void> {
    await this.drop();
  }
}

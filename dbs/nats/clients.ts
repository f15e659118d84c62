// Clients for NATS JetStream (the `nats` package), bound to one node each; a connection that
// broke is dropped and made again on the next op (no client-side reconnect buffering, which
// would blur what happened when). kafka: a send publishes to the key's subject and its offset is
// the stream sequence of the acknowledgement; a poll reads each key from its offset with the
// stream's message-get API (next message of a subject from a sequence on, served by the stream
// leader); committed offsets are a KV bucket (reads through the leader, not direct gets). queue:
// a work-queue stream and one durable pull consumer with explicit acks. A publish is `fail` only
// when nothing received it (no responders); a timeout or any other error is `info`.

import type { JetStreamClient, JetStreamManager, KV, NatsConnection } from 'nats';
import { createRequire } from 'node:module';
import type { Client, Completion, Invocation, Test } from '../../src/protocols.js';
import type { Endpoints } from '../../src/docker/container-db.js';
import { FaultlineError } from '../../src/errors.js';
import type { OffsetMap } from '../../checkers/kafka/ops.js';
import type { NatsOptions } from './index.js';

let lib: typeof import('nats') | undefined;
const nats = (): typeof import('nats') => (lib ??= createRequire(import.meta.url)('nats') as typeof import('nats'));

export const KAFKA_STREAM = 'faultline-kafka';
export const QUEUE_STREAM = 'faultline-queue';
export const STREAMS = [KAFKA_STREAM, QUEUE_STREAM];
const OFFSETS_BUCKET = 'faultline-offsets';
const QUEUE_CONSUMER = 'faultline';
const subjectOf = (key: string): string => `fk.${key}`;

const message = (e: unknown): string => ((e as Error)?.message ?? String(e)).split('\n')[0]!;
const code = (e: unknown): string => String((e as { code?: unknown })?.code ?? '');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A publish that surely reached no stream: nothing was listening on the subject. */
const neverStored = (e: unknown): boolean => code(e) === '503' || /no responders/i.test(message(e));

/** Shared plumbing: a connection per worker, made on first use and dropped when it breaks. */
abstract class NatsClient implements Client {
  protected nc?: NatsConnection;
  protected node = '';
  constructor(protected readonly db: Endpoints<NatsOptions>) {}
  protected abstract fresh(): NatsClient;
  abstract invoke(test: Test, op: Invocation): Promise<Completion>;

  protected get timeoutMs(): number {
    return this.db.options['timeout-ms'];
  }

  async open(_test: Test, node: string): Promise<Client> {
    const c = this.fresh();
    c.node = node;
    return c;
  }

  protected async conn(): Promise<NatsConnection> {
    if (this.nc && !this.nc.isClosed()) return this.nc;
    const e = this.db.endpoint(this.node);
    this.nc = await nats().connect({ servers: `${e.host}:${e.port}`, timeout: this.timeoutMs, reconnect: false, name: `faultline-${this.node}` });
    return this.nc;
  }

  protected js(nc: NatsConnection): JetStreamClient {
    return nc.jetstream({ timeout: this.timeoutMs });
  }

  protected async drop(): Promise<void> {
    const nc = this.nc;
    this.nc = undefined;
    await nc?.close().catch(() => undefined);
  }

  /** Creates a stream (and more) once the cluster can: JetStream needs a meta leader first. */
  protected async retrySetup(test: Test, what: string, f: (jsm: JetStreamManager, nc: NatsConnection) => Promise<void>): Promise<void> {
    const deadline = Date.now() + 90_000;
    for (;;) {
      try {
        const nc = await this.conn();
        await f(await nc.jetstreamManager({ timeout: this.timeoutMs }), nc);
        test.log.info(`nats: ${what}`);
        return;
      } catch (e) {
        await this.drop();
        if (Date.now() > deadline) throw new FaultlineError('UNREACHABLE', `could not create ${what}: ${message(e)}`, this.node);
        await sleep(1000);
      }
    }
  }

  /** Publishes and returns the stream sequence it got. */
  protected async publish(subject: string, data: unknown): Promise<{ seq: number } | Completion> {
    let nc: NatsConnection;
    try {
      nc = await this.conn();
    } catch (e) {
      return { type: 'fail', error: `not connected: ${message(e)}` };
    }
    try {
      const ack = await this.js(nc).publish(subject, JSON.stringify(data), { timeout: this.timeoutMs });
      return { seq: ack.seq };
    } catch (e) {
      if (!neverStored(e)) await this.drop();
      return { type: neverStored(e) ? 'fail' : 'info', error: message(e) };
    }
  }

  async close(): Promise<void> {
    await this.drop();
  }
}

interface MsgGetReply {
  message?: { seq: number; subject: string; data?: string };
  error?: { code: number; description: string };
}

/** The kafka workload: one subject per key on a limits stream, committed offsets in a KV bucket. */
export class NatsKafkaClient extends NatsClient {
  private kv?: KV;
  protected fresh(): NatsClient {
    return new NatsKafkaClient(this.db);
  }

  async setup(test: Test): Promise<void> {
    const replicas = this.db.options.replicas;
    await this.retrySetup(test, `stream ${KAFKA_STREAM} and bucket ${OFFSETS_BUCKET} (${replicas} replicas)`, async (jsm, nc) => {
      await jsm.streams.add({ name: KAFKA_STREAM, subjects: ['fk.>'], num_replicas: replicas, storage: nats().StorageType.File, retention: nats().RetentionPolicy.Limits });
      await this.js(nc).views.kv(OFFSETS_BUCKET, { replicas, history: 1, allow_direct: false });
    });
  }

  private async bucket(nc: NatsConnection): Promise<KV> {
    return (this.kv ??= await this.js(nc).views.kv(OFFSETS_BUCKET, { bindOnly: true, allow_direct: false }));
  }

  protected override async drop(): Promise<void> {
    this.kv = undefined;
    await super.drop();
  }

  async invoke(_test: Test, op: Invocation): Promise<Completion> {
    const v = (op.value ?? {}) as { key?: string; msg?: unknown; offsets?: OffsetMap; keys?: string[] };
    switch (op.f) {
      case 'send': {
        const r = await this.publish(subjectOf(v.key!), v.msg);
        return 'seq' in r ? { type: 'ok', value: { key: v.key, msg: v.msg, offset: r.seq } } : r;
      }
      case 'poll':
        return this.reading(async (nc) => {
          // Keys are read side by side; each key's messages one after another.
          const msgs: Record<string, Array<[number, unknown]>> = {};
          const got = await Promise.all(Object.entries(v.offsets ?? {}).map(async ([k, from]) => [k, await this.readKey(nc, k, from)] as const));
          for (const [k, pairs] of got) if (pairs.length) msgs[k] = pairs;
          return { offsets: v.offsets, msgs };
        });
      case 'commit_offsets': {
        let kv: KV;
        try {
          kv = await this.bucket(await this.conn());
        } catch (e) {
          await this.drop();
          return { type: 'fail', error: `not connected: ${message(e)}` };
        }
        try {
          for (const [k, o] of Object.entries(v.offsets ?? {})) await kv.put(k, String(o));
          return { type: 'ok', value: { offsets: v.offsets } };
        } catch (e) {
          if (!neverStored(e)) await this.drop();
          return { type: 'info', error: message(e) };
        }
      }
      case 'list_committed_offsets':
        return this.reading(async (nc) => {
          const kv = await this.bucket(nc);
          const offsets: OffsetMap = {};
          for (const k of v.keys ?? []) {
            const e = await kv.get(k);
            if (e && e.operation === 'PUT') offsets[k] = Number(e.string());
          }
          return { keys: v.keys, offsets };
        });
      default:
        return { type: 'fail', error: `the nats kafka client has no op ${op.f}` };
    }
  }

  /** A read: it changes nothing, so any failure is definite. */
  private async reading(f: (nc: NatsConnection) => Promise<unknown>): Promise<Completion> {
    try {
      return { type: 'ok', value: await f(await this.conn()) };
    } catch (e) {
      await this.drop();
      return { type: 'fail', error: message(e) };
    }
  }

  /** Up to poll-max messages of a key from `from` on: the stream's next message of the subject, repeatedly. */
  private async readKey(nc: NatsConnection, key: string, from: number): Promise<Array<[number, unknown]>> {
    const out: Array<[number, unknown]> = [];
    let seq = Math.max(from, 1);
    while (out.length < this.db.options['poll-max']) {
      const reply = await nc.request(`$JS.API.STREAM.MSG.GET.${KAFKA_STREAM}`, JSON.stringify({ seq, next_by_subj: subjectOf(key) }), { timeout: this.timeoutMs });
      const r = JSON.parse(new TextDecoder().decode(reply.data)) as MsgGetReply;
      if (r.error) {
        if (r.error.code === 404) break;
        throw new Error(`message get: ${r.error.code} ${r.error.description}`);
      }
      const m = r.message!;
      if (m.subject !== subjectOf(key)) throw new Error(`message get returned subject ${m.subject} for ${subjectOf(key)}`);
      out.push([m.seq, JSON.parse(Buffer.from(m.data ?? '', 'base64').toString('utf8')) as unknown]);
      seq = m.seq + 1;
    }
    return out;
  }
}

/** The queue workload: a work-queue stream and one durable pull consumer with explicit acks. */
export class NatsQueueClient extends NatsClient {
  protected fresh(): NatsClient {
    return new NatsQueueClient(this.db);
  }

  async setup(test: Test): Promise<void> {
    const replicas = this.db.options.replicas;
    await this.retrySetup(test, `work-queue stream ${QUEUE_STREAM} (${replicas} replicas)`, async (jsm) => {
      await jsm.streams.add({ name: QUEUE_STREAM, subjects: ['fq'], num_replicas: replicas, storage: nats().StorageType.File, retention: nats().RetentionPolicy.Workqueue });
      // Unacked deliveries (a client that crashed) come back after 2 s.
      await jsm.consumers.add(QUEUE_STREAM, { durable_name: QUEUE_CONSUMER, ack_policy: nats().AckPolicy.Explicit, ack_wait: 2e9, max_deliver: -1 });
    });
  }

  async invoke(_test: Test, op: Invocation): Promise<Completion> {
    switch (op.f) {
      case 'enqueue': {
        const r = await this.publish('fq', op.value);
        return 'seq' in r ? { type: 'ok' } : r;
      }
      case 'dequeue':
        try {
          const got = await this.take(await this.conn());
          return { type: 'ok', value: got ? got.value : null };
        } catch (e) {
          // Nothing was delivered to us, or it was and goes back after its ack wait.
          await this.drop();
          return { type: 'fail', error: message(e) };
        }
      case 'drain':
        return this.drain();
      default:
        return { type: 'fail', error: `the nats queue client has no op ${op.f}` };
    }
  }

  /** One message without waiting (null when none is ready), acked; reported even if the ack is lost. */
  private async take(nc: NatsConnection): Promise<{ value: unknown } | null> {
    let m;
    try {
      m = await this.js(nc).pull(QUEUE_STREAM, QUEUE_CONSUMER);
    } catch (e) {
      if (code(e) === '404' || code(e) === '408') return null;
      throw e;
    }
    const value = JSON.parse(new TextDecoder().decode(m.data)) as unknown;
    await m.ackAck({ timeout: Math.min(1000, this.timeoutMs) }).catch(() => false);
    return { value };
  }

  /**
   * Takes messages until the consumer has none pending and none awaiting an ack (a crashed
   * client's deliveries come back after the ack wait), reconnecting after errors, within 4 s.
   */
  private async drain(): Promise<Completion> {
    const out: unknown[] = [];
    const deadline = Date.now() + 4000;
    let last = '';
    let done = false;
    while (!done && Date.now() < deadline) {
      try {
        const nc = await this.conn();
        const got = await this.take(nc);
        if (got) {
          out.push(got.value);
          continue;
        }
        const info = await (await nc.jetstreamManager({ timeout: this.timeoutMs })).consumers.info(QUEUE_STREAM, QUEUE_CONSUMER);
        if (info.num_pending === 0 && info.num_ack_pending === 0) done = true;
        else await sleep(250);
      } catch (e) {
        last = message(e);
        await this.drop();
        await sleep(200);
      }
    }
    return { type: 'ok', value: out, ...(done ? {} : { error: `drain incomplete after 4 s${last ? `: ${last}` : ''}` }) };
  }
}

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

  protected async conn(timeoutMs = this.timeoutMs): Promise<NatsConnection> {
    if (this.nc && !this.nc.isClosed()) return this.nc;
    const e = this.db.endpoint(this.node);
    this.nc = await nats().connect({ servers: `${e.host}:${e.port}`, timeout: timeoutMs, reconnect: false, name: `faultline-${this.node}` });
    return this.nc;
  }

  protected js(nc: NatsConnection, timeoutMs = this.timeoutMs): JetStreamClient {
    return nc.jetstream({ timeout: timeoutMs });
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
      await addConsumer(jsm);
    });
  }

  async invoke(test: Test, op: Invocation): Promise<Completion> {
    switch (op.f) {
      case 'enqueue': {
        const r = await this.publish('fq', op.value);
        return 'seq' in r ? { type: 'ok' } : r;
      }
      case 'dequeue':
        try {
          const got = await this.take(await this.conn());
          if (got === 'unserved') {
            await this.drop();
            return { type: 'fail', error: 'the pull went unanswered: the consumer has no leader' };
          }
          return { type: 'ok', value: got ? got.value : null };
        } catch (e) {
          // Nothing was delivered to us, or it was and goes back after its ack wait.
          await this.drop();
          return { type: 'fail', error: message(e) };
        }
      case 'drain':
        return this.drain(test);
      default:
        return { type: 'fail', error: `the nats queue client has no op ${op.f}` };
    }
  }

  /**
   * One message without waiting, acked (reported even if the ack is lost); null when none is
   * ready, 'unserved' when nothing answered the pull in time (the consumer has no leader right
   * now, or no longer exists).
   */
  private async take(nc: NatsConnection, timeoutMs = this.timeoutMs): Promise<{ value: unknown } | null | 'unserved'> {
    let m;
    try {
      m = await this.js(nc, timeoutMs).pull(QUEUE_STREAM, QUEUE_CONSUMER);
    } catch (e) {
      if (code(e) === '404' || code(e) === '408') return null;
      // No responders, or a JetStream API that took the pull and never answered (no stream or
      // consumer behind it): nothing was delivered to us, or it was and goes back after its ack wait.
      if (neverStored(e) || code(e) === 'TIMEOUT') return 'unserved';
      throw e;
    }
    const value = JSON.parse(new TextDecoder().decode(m.data)) as unknown;
    await m.ackAck({ timeout: Math.min(1000, timeoutMs) }).catch(() => false);
    return { value };
  }

  /**
   * Takes messages until the consumer has none pending and none awaiting an ack (a crashed
   * client's deliveries come back after the ack wait), reconnecting after errors, within the
   * drain's budget (under the run's 5 s op timeout). After power failures JetStream may have
   * lost a stream's or consumer's metadata (its meta log was never fsynced): a consumer that the
   * cluster no longer knows is created again (the messages are still in the stream); a stream
   * it no longer knows, answered by the meta leader again and again over a second or more, is
   * an empty queue, so the drain completes and what was acknowledged is lost. An incomplete
   * drain is `ok` (what it took was taken) with an error: the checker does not count it as a
   * completed drain.
   */
  private async drain(test: Test): Promise<Completion> {
    const out: unknown[] = [];
    const t0 = Date.now();
    const deadline = t0 + DRAIN_BUDGET_MS;
    let last = '';
    let streamGoneSince: number | undefined;
    let streamGoneAnswers = 0;
    // Every request gets what is left of the budget at most, so the drain answers in time.
    const budget = (): number => Math.max(200, Math.min(this.timeoutMs, deadline - Date.now() - 150));
    while (Date.now() < deadline) {
      try {
        const nc = await this.conn(budget());
        // A short pull (none while the stream is reported gone): when nothing answers, ask the
        // stream and consumer what is going on.
        const got = streamGoneSince === undefined ? await this.take(nc, Math.min(1000, budget())) : 'unserved';
        if (got && got !== 'unserved') {
          out.push(got.value);
          continue;
        }
        const jsm = await nc.jetstreamManager({ timeout: budget(), checkAPI: false });
        const state = await queueState(jsm);
        if (state === 'no-stream') {
          streamGoneSince ??= Date.now();
          streamGoneAnswers++;
          if (streamGoneAnswers >= 3 && Date.now() - streamGoneSince >= 1000) {
            test.log.warn(`nats: stream ${QUEUE_STREAM} no longer exists (the meta leader answered 'stream not found' ${streamGoneAnswers} times over ${Date.now() - streamGoneSince} ms): every message left in it is gone`);
            return { type: 'ok', value: out };
          }
          last = `stream ${QUEUE_STREAM} not found`;
          await sleep(300);
          continue;
        }
        streamGoneSince = undefined;
        streamGoneAnswers = 0;
        if (state === 'no-consumer') {
          test.log.warn(`nats: consumer ${QUEUE_CONSUMER} of stream ${QUEUE_STREAM} no longer exists: creating it again to drain the stream`);
          await addConsumer(jsm);
          continue;
        }
        if (got === null && state.pending === 0 && state.ackPending === 0) return { type: 'ok', value: out };
        last = got === 'unserved' ? 'the consumer did not answer (no leader yet)' : `${state.pending} pending, ${state.ackPending} awaiting acks`;
        await sleep(250);
      } catch (e) {
        last = message(e);
        await this.drop();
        await sleep(200);
      }
    }
    return { type: 'ok', value: out, error: `drain incomplete after ${((Date.now() - t0) / 1000).toFixed(1)} s${last ? `: ${last}` : ''}` };
  }
}

/** The drain's time: it must end (and report what it took) before the run's 5 s op timeout. */
const DRAIN_BUDGET_MS = 4200;

const apiErr = (e: unknown): number | undefined => (e as { api_error?: { err_code?: number } })?.api_error?.err_code;
const STREAM_NOT_FOUND = 10059;
const CONSUMER_NOT_FOUND = 10014;

/** The work queue's consumer state, or which of stream and consumer the cluster no longer knows. */
async function queueState(jsm: JetStreamManager): Promise<{ pending: number; ackPending: number } | 'no-stream' | 'no-consumer'> {
  try {
    const info = await jsm.consumers.info(QUEUE_STREAM, QUEUE_CONSUMER);
    return { pending: info.num_pending, ackPending: info.num_ack_pending };
  } catch (e) {
    if (apiErr(e) === STREAM_NOT_FOUND) return 'no-stream';
    if (apiErr(e) !== CONSUMER_NOT_FOUND) throw e;
  }
  // The consumer is unknown: is the stream? (Asked separately: a stream-level answer.)
  try {
    await jsm.streams.info(QUEUE_STREAM);
    return 'no-consumer';
  } catch (e) {
    if (apiErr(e) === STREAM_NOT_FOUND) return 'no-stream';
    throw e;
  }
}

async function addConsumer(jsm: JetStreamManager): Promise<void> {
  // Unacked deliveries (a client that crashed) come back after 2 s.
  await jsm.consumers.add(QUEUE_STREAM, { durable_name: QUEUE_CONSUMER, ack_policy: nats().AckPolicy.Explicit, ack_wait: 2e9, max_deliver: -1 });
}

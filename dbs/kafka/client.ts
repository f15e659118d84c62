// Clients for an existing Kafka cluster (kafkajs). The run gets its own topics: `<prefix>-log`
// with one partition per key for the kafka workload (key k is partition k), `<prefix>-queue` with
// one partition for the queue workload. kafka: send = produce with acks=all and no retries (a
// retry could duplicate), offset = the record's base offset; poll = a per-client consumer (its own
// group, never committing) sought to the requested offsets; committed offsets = the run's
// consumer group (`<prefix>-committed`, no members) set and fetched through the admin API
// (Kafka stores the next offset to read: o+1). queue: the queue's head is a consumer group's
// committed offset: dequeue reads the message at the head and advances it. Two clients may read
// the same head, so dequeues are at-least-once: duplicates, never losses (what total-queue allows).
// UNTESTED: no Kafka broker can run where faultline is developed (see the README).

import type { Admin, Consumer, Kafka, Producer } from 'kafkajs';
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import type { Client, Completion, Invocation, Test } from '../../src/protocols.js';
import type { OffsetMap } from '../../checkers/kafka/ops.js';

let lib: typeof import('kafkajs') | undefined;
const kafkajs = (): typeof import('kafkajs') => (lib ??= createRequire(import.meta.url)('kafkajs') as typeof import('kafkajs'));

export interface KafkaConfig {
  brokers: string[];
  prefix: string;
  partitions: number;
  replicationFactor: number;
  timeoutMs: number;
  pollMax: number;
}

const message = (e: unknown): string => ((e as Error)?.message ?? String(e)).split('\n')[0]!;
/** Errors raised before a request left: nothing can have happened. */
const neverSent = (e: unknown): boolean => /ECONNREFUSED|EHOSTUNREACH|ENOTFOUND|Connection timeout|not connected/i.test(message(e));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A consumer of its own group that reads partitions from offsets it is told (seek), buffering what it fetched. */
class OffsetReader {
  private buf = new Map<number, Map<number, Buffer | null>>();
  private ready?: Promise<void>;
  constructor(private readonly consumer: Consumer, private readonly topic: string) {}

  start(): Promise<void> {
    return (this.ready ??= (async () => {
      const joined = new Promise<void>((resolve) => this.consumer.on(this.consumer.events.GROUP_JOIN, () => resolve()));
      await this.consumer.connect();
      await this.consumer.subscribe({ topics: [this.topic], fromBeginning: true });
      await this.consumer.run({
        autoCommit: false,
        eachMessage: async ({ partition, message: m }) => {
          let p = this.buf.get(partition);
          if (!p) this.buf.set(partition, (p = new Map()));
          p.set(Number(m.offset), m.value);
          // Keep memory bounded: the oldest go (a poll for them seeks again).
          if (p.size > 5000) for (const o of [...p.keys()].slice(0, 1000)) p.delete(o);
        },
      });
      await joined;
    })());
  }

  /** Messages of `partition` from `from` on, up to `max`, waiting up to `waitMs` for the first. */
  async read(partition: number, from: number, max: number, waitMs: number): Promise<Array<[number, Buffer | null]>> {
    await this.start();
    const p = () => this.buf.get(partition) ?? new Map<number, Buffer | null>();
    const take = () => [...p().entries()].filter(([o]) => o >= from).sort((a, b) => a[0] - b[0]).slice(0, max);
    let got = take();
    if (!got.length || got[0]![0] !== from) {
      // Not buffered from there: move the consumer (Kafka offsets may be sparse, so a later first
      // offset can be right; seeking costs only a fetch).
      this.buf.set(partition, new Map());
      this.consumer.seek({ topic: this.topic, partition, offset: String(from) });
      const deadline = Date.now() + waitMs;
      while (!(got = take()).length && Date.now() < deadline) await sleep(20);
    }
    return got;
  }
}

/** Shared plumbing: the Kafka handle, a producer and an admin per client, made on first use. */
abstract class KafkaClientBase implements Client {
  protected kafka?: Kafka;
  protected producer?: Producer;
  protected admin?: Admin;
  protected reader?: OffsetReader;
  constructor(protected readonly cfg: KafkaConfig) {}
  protected abstract fresh(): KafkaClientBase;
  abstract invoke(test: Test, op: Invocation): Promise<Completion>;
  protected abstract get topic(): string;

  async open(_test: Test, _node: string): Promise<Client> {
    return this.fresh();
  }

  protected k(): Kafka {
    return (this.kafka ??= new (kafkajs().Kafka)({
      clientId: `faultline-${this.cfg.prefix}`,
      brokers: this.cfg.brokers,
      connectionTimeout: this.cfg.timeoutMs,
      requestTimeout: this.cfg.timeoutMs,
      retry: { retries: 0 },
      logLevel: kafkajs().logLevel.NOTHING,
    }));
  }

  protected async prod(): Promise<Producer> {
    if (this.producer) return this.producer;
    const p = this.k().producer({ allowAutoTopicCreation: false, idempotent: false, retry: { retries: 0 } });
    await p.connect();
    return (this.producer = p);
  }

  protected async adm(): Promise<Admin> {
    if (this.admin) return this.admin;
    const a = this.k().admin();
    await a.connect();
    return (this.admin = a);
  }

  protected rd(): OffsetReader {
    return (this.reader ??= new OffsetReader(this.k().consumer({ groupId: `${this.cfg.prefix}-reader-${randomBytes(4).toString('hex')}`, maxWaitTimeInMs: 100 }), this.topic));
  }

  protected async createTopic(test: Test, partitions: number): Promise<void> {
    const admin = await this.adm();
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic: this.topic, numPartitions: partitions, replicationFactor: this.cfg.replicationFactor }] });
    test.log.info(`kafka: topic ${this.topic} (${partitions} partitions, replication factor ${this.cfg.replicationFactor})`);
  }

  /** Produces one record; its offset, or a completion saying why not. */
  protected async produce(partition: number, value: unknown): Promise<{ offset: number } | Completion> {
    try {
      const md = await (await this.prod()).send({ topic: this.topic, acks: -1, timeout: this.cfg.timeoutMs, messages: [{ partition, value: JSON.stringify(value) }] });
      return { offset: Number(md[0]!.baseOffset) };
    } catch (e) {
      return { type: neverSent(e) ? 'fail' : 'info', error: message(e) };
    }
  }

  protected async committed(group: string): Promise<Map<number, number>> {
    const res = await (await this.adm()).fetchOffsets({ groupId: group, topics: [this.topic] });
    const out = new Map<number, number>();
    for (const p of res[0]?.partitions ?? []) if (Number(p.offset) >= 0) out.set(p.partition, Number(p.offset) - 1);
    return out;
  }

  async close(): Promise<void> {
    await Promise.all([this.producer?.disconnect(), this.admin?.disconnect(), this.reader && (this.reader as unknown as { consumer: Consumer }).consumer.disconnect()].map((p) => Promise.resolve(p).catch(() => undefined)));
  }
}

export class KafkaLogClient extends KafkaClientBase {
  protected fresh(): KafkaClientBase {
    return new KafkaLogClient(this.cfg);
  }
  protected get topic(): string {
    return `${this.cfg.prefix}-log`;
  }
  private get group(): string {
    return `${this.cfg.prefix}-committed`;
  }

  async setup(test: Test): Promise<void> {
    await this.createTopic(test, this.cfg.partitions);
  }

  private partition(key: string): number | undefined {
    const p = Number(key);
    return Number.isInteger(p) && p >= 0 && p < this.cfg.partitions ? p : undefined;
  }

  async invoke(_test: Test, op: Invocation): Promise<Completion> {
    const v = (op.value ?? {}) as { key?: string; msg?: unknown; offsets?: OffsetMap; keys?: string[] };
    const bad = [v.key, ...Object.keys(v.offsets ?? {}), ...(v.keys ?? [])].find((k) => k !== undefined && this.partition(k) === undefined);
    if (bad !== undefined) return { type: 'fail', error: `key ${bad} has no partition: the topic has ${this.cfg.partitions} (--db-option partitions)` };
    try {
      switch (op.f) {
        case 'send': {
          const r = await this.produce(this.partition(v.key!)!, v.msg);
          return 'offset' in r ? { type: 'ok', value: { key: v.key, msg: v.msg, offset: r.offset } } : r;
        }
        case 'poll': {
          const msgs: Record<string, Array<[number, unknown]>> = {};
          for (const [k, from] of Object.entries(v.offsets ?? {})) {
            const got = await this.rd().read(this.partition(k)!, from, this.cfg.pollMax, 300);
            if (got.length) msgs[k] = got.map(([o, b]) => [o, b === null ? null : (JSON.parse(b.toString('utf8')) as unknown)]);
          }
          return { type: 'ok', value: { offsets: v.offsets, msgs } };
        }
        case 'commit_offsets': {
          try {
            const partitions = Object.entries(v.offsets ?? {}).map(([k, o]) => ({ partition: this.partition(k)!, offset: String(o + 1) }));
            await (await this.adm()).setOffsets({ groupId: this.group, topic: this.topic, partitions });
            return { type: 'ok', value: { offsets: v.offsets } };
          } catch (e) {
            return { type: neverSent(e) ? 'fail' : 'info', error: message(e) };
          }
        }
        case 'list_committed_offsets': {
          const c = await this.committed(this.group);
          const offsets: OffsetMap = {};
          for (const k of v.keys ?? []) if (c.has(this.partition(k)!)) offsets[k] = c.get(this.partition(k)!)!;
          return { type: 'ok', value: { keys: v.keys, offsets } };
        }
        default:
          return { type: 'fail', error: `the kafka client has no op ${op.f}` };
      }
    } catch (e) {
      // Only reads get here (sends and commits classify their own errors): nothing changed.
      return { type: 'fail', error: message(e) };
    }
  }
}

export class KafkaQueueClient extends KafkaClientBase {
  protected fresh(): KafkaClientBase {
    return new KafkaQueueClient(this.cfg);
  }
  protected get topic(): string {
    return `${this.cfg.prefix}-queue`;
  }
  private get group(): string {
    return `${this.cfg.prefix}-queue-head`;
  }

  async setup(test: Test): Promise<void> {
    await this.createTopic(test, 1);
  }

  async invoke(_test: Test, op: Invocation): Promise<Completion> {
    switch (op.f) {
      case 'enqueue': {
        const r = await this.produce(0, op.value);
        return 'offset' in r ? { type: 'ok' } : r;
      }
      case 'dequeue':
        try {
          const got = await this.take();
          return { type: 'ok', value: got ? got.value : null };
        } catch (e) {
          // The head may have moved past a message we never saw: that would be a loss the
          // checker reports, so say we do not know.
          return { type: 'info', error: message(e) };
        }
      case 'drain': {
        const out: unknown[] = [];
        const deadline = Date.now() + 4000;
        try {
          while (Date.now() < deadline) {
            const got = await this.take();
            if (got) {
              out.push(got.value);
              continue;
            }
            // Nothing read yet: done only when the head has reached the end of the partition.
            const head = (await this.committed(this.group)).get(0) ?? -1;
            const end = Number((await (await this.adm()).fetchTopicOffsets(this.topic)).find((p) => p.partition === 0)?.high ?? 0);
            if (head + 1 >= end) return { type: 'ok', value: out };
          }
          return { type: 'ok', value: out, error: 'drain incomplete after 4 s' };
        } catch (e) {
          return { type: 'ok', value: out, error: `drain incomplete: ${message(e)}` };
        }
      }
      default:
        return { type: 'fail', error: `the kafka queue client has no op ${op.f}` };
    }
  }

  /** The message at the head (the group's committed offset), then the head moved past it. */
  private async take(): Promise<{ value: unknown } | null> {
    const head = (await this.committed(this.group)).get(0) ?? -1;
    const got = await this.rd().read(0, head + 1, 1, 300);
    if (!got.length) return null;
    const [offset, b] = got[0]!;
    await (await this.adm()).setOffsets({ groupId: this.group, topic: this.topic, partitions: [{ partition: 0, offset: String(offset + 1) }] });
    return { value: b === null ? null : (JSON.parse(b.toString('utf8')) as unknown) };
  }
}

// The kafka workload (after Jepsen's Kafka tests and Maelstrom's kafka workload): clients send
// unique messages to a few keys (logs), and act as consumers that poll every key from their own
// positions, commit what they processed and read committed offsets. The generator, not the
// client, keeps each consumer's positions, so every poll says exactly where it reads from and a
// client maps each op onto one request (Maelstrom's send / poll / commit_offsets /
// list_committed_offsets bodies; see checkers/kafka/ops.ts). A new consumer (a fresh process)
// starts from the committed offsets, or now and then from the beginning. Commits to a key go one
// at a time and only forward, so a correct server never reports a lower committed offset than
// one already acknowledged, whether it keeps the latest commit or the highest. After healing,
// every client polls every key from offset 0 until a poll returns nothing: a lost tail shows.

import type { Op } from '../src/history.js';
import type { GenContext, GenResult, Generator, OpSpec } from '../src/generator/core.js';
import { eachThread, fillIn, timeLimit } from '../src/generator/index.js';
import type { Workload } from '../src/protocols.js';
import { opt, type OptionValues } from '../src/plugin/options.js';
import type { ListValue, OffsetMap, PollValue } from '../checkers/kafka/ops.js';
import { checkerFor, workloadChecker } from './checkers.js';
import { defineWorkload, type WorkloadContext } from './registry.js';

const options = {
  keys: opt.number({ integer: true, min: 1, max: 64, default: 4, doc: 'how many keys (logs: topic partitions, subjects) the messages go to' }),
  'rewind-p': opt.number({ min: 0, max: 1, default: 0.25, doc: 'chance that a new consumer reads from offset 0 instead of the committed offsets' }),
  'final-poll-s': opt.duration({ unit: 's', default: 30, doc: 'how long the final polls (after healing) may take at most' }),
  'allow-duplicates': opt.boolean({ default: false, doc: 'a message at several offsets is allowed (at-least-once sends)' }),
};
type Options = OptionValues<typeof options>;

interface Consumer {
  /** Next offset to read, per key; undefined until the consumer has its positions. */
  pos?: OffsetMap;
}

interface State {
  keys: readonly string[];
  rewindP: number;
  counter: { next: number };
  consumers: ReadonlyMap<unknown, Consumer>;
  /** Keys with a commit in flight, and the highest acknowledged commit per key. */
  committing: ReadonlySet<string>;
  committed: ReadonlyMap<string, number>;
}

const maxOffsets = (v: unknown): OffsetMap => {
  const out: OffsetMap = {};
  const msgs = (v as PollValue | null)?.msgs ?? {};
  for (const [k, pairs] of Object.entries(msgs)) if (Array.isArray(pairs) && pairs.length) out[k] = Math.max(...pairs.map((p) => p[0]));
  return out;
};

class KafkaGen implements Generator {
  constructor(private readonly s: State) {}

  op(ctx: GenContext): GenResult {
    const free = ctx.freeThreads.filter((t) => t !== 'nemesis');
    if (!free.length) return { pending: true, gen: this };
    const t = free[ctx.rng.int(free.length)]!;
    const process = ctx.workers.get(t);
    if (process === undefined) return { pending: true, gen: this };
    const op = fillIn({ ...this.choose(ctx, process), process }, ctx);
    return op ? { op, gen: this } : { pending: true, gen: this };
  }

  private choose(ctx: GenContext, process: unknown): OpSpec {
    const { keys } = this.s;
    const c = this.s.consumers.get(process);
    const r = ctx.rng.next();
    const sendOp = (): OpSpec => ({ f: 'send', value: { key: keys[ctx.rng.int(keys.length)]!, msg: this.s.counter.next++ } });
    if (!c?.pos) return r < 0.6 ? sendOp() : { f: 'list_committed_offsets', value: { keys: [...keys] } };
    if (r < 0.5) return sendOp();
    const pos = c.pos;
    if (r >= 0.85 && r < 0.95) {
      const offsets: OffsetMap = {};
      for (const k of keys) {
        const done = (pos[k] ?? 0) - 1;
        if (done > (this.s.committed.get(k) ?? -1) && !this.s.committing.has(k)) offsets[k] = done;
      }
      if (Object.keys(offsets).length) return { f: 'commit_offsets', value: { offsets } };
    }
    if (r >= 0.95) return { f: 'list_committed_offsets', value: { keys: [...keys] } };
    return { f: 'poll', value: { offsets: { ...pos } } };
  }

  update(ctx: GenContext, ev: Op): Generator {
    const s = this.s;
    if (ev.f === 'commit_offsets') {
      const keys = Object.keys(((ev.value as { offsets?: OffsetMap } | null)?.offsets) ?? {});
      const committing = new Set(s.committing);
      const committed = new Map(s.committed);
      if (ev.type === 'invoke') for (const k of keys) committing.add(k);
      else {
        for (const k of keys) committing.delete(k);
        if (ev.type === 'ok') for (const [k, o] of Object.entries((ev.value as { offsets: OffsetMap }).offsets)) committed.set(k, Math.max(committed.get(k) ?? -1, o));
      }
      return new KafkaGen({ ...s, committing, committed });
    }
    if (ev.type !== 'ok') return this;
    const c = s.consumers.get(ev.process);
    if (ev.f === 'poll' && c?.pos) {
      const pos = { ...c.pos };
      for (const [k, o] of Object.entries(maxOffsets(ev.value))) pos[k] = Math.max(pos[k] ?? 0, o + 1);
      return this.withConsumer(ctx, ev.process, { pos });
    }
    if (ev.f === 'list_committed_offsets' && !c?.pos) {
      const committed = (ev.value as ListValue | null)?.offsets ?? {};
      const rewind = ctx.rng.next() < s.rewindP;
      const pos: OffsetMap = {};
      for (const k of s.keys) pos[k] = rewind ? 0 : (committed[k] ?? -1) + 1;
      return this.withConsumer(ctx, ev.process, { pos });
    }
    return this;
  }

  private withConsumer(ctx: GenContext, process: unknown, c: Consumer): Generator {
    const live = new Set(ctx.workers.values());
    const consumers = new Map([...this.s.consumers].filter(([p]) => live.has(p as never)));
    consumers.set(process, c);
    return new KafkaGen({ ...this.s, consumers });
  }
}

/** One final consumer per thread: polls every key from 0 until a poll returns nothing. */
class FinalPolls implements Generator {
  constructor(private readonly keys: readonly string[], private readonly pos: OffsetMap, private readonly failures: number, private readonly after: number) {}

  op(ctx: GenContext): GenResult {
    const op = fillIn({ f: 'poll', value: { offsets: { ...this.pos } }, final: true, time: this.after }, ctx);
    return op ? { op, gen: this } : { pending: true, gen: this };
  }

  update(ctx: GenContext, ev: Op): Generator | null {
    if (ev.type === 'invoke' || ev.f !== 'poll') return this;
    // A cluster may take a while to elect leaders after healing: keep trying (the final phase's
    // time limit ends it), a second apart.
    if (ev.type !== 'ok') return new FinalPolls(this.keys, this.pos, this.failures + 1, ctx.time + 1e9);
    const got = maxOffsets(ev.value);
    if (!Object.keys(got).length) return null;
    const pos = { ...this.pos };
    for (const [k, o] of Object.entries(got)) pos[k] = Math.max(pos[k] ?? 0, o + 1);
    return new FinalPolls(this.keys, pos, 0, 0);
  }
}

export function kafkaWorkload(ctx: WorkloadContext<Options>): Workload {
  const o = ctx.options;
  const keys = Array.from({ length: o.keys }, (_, i) => String(i));
  const state: State = { keys, rewindP: o['rewind-p'], counter: { next: 0 }, consumers: new Map(), committing: new Set(), committed: new Map() };
  const start: OffsetMap = Object.fromEntries(keys.map((k) => [k, 0]));
  return {
    name: 'kafka',
    generator: new KafkaGen(state),
    finalGenerator: timeLimit(o['final-poll-s'], eachThread(new FinalPolls(keys, start, 0, 0)))!,
    checker: workloadChecker({ kafka: checkerFor('kafka', { allowDuplicates: o['allow-duplicates'] }) }),
  };
}

defineWorkload({
  name: 'kafka',
  options,
  doc: 'Kafka-style logs: send to keys, poll from offsets, commit and list committed offsets; final polls from 0; lost writes, offsets, gaps, order',
  create: kafkaWorkload,
});

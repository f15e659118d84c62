// Kafka-style logs as a deterministic state machine for the built-in replicated nodes (Maelstrom's
// kafka workload): per key an append-only log whose offsets are 0, 1, 2, ... and a committed
// offset that only moves forward. Applied in log order by every replica, so every replica hands
// out the same offsets. Results are Maelstrom reply bodies.

import type { Body } from '../../src/maelstrom/protocol.js';

export type KafkaOp =
  | { f: 'send'; key: string; msg: unknown }
  | { f: 'poll'; offsets: Record<string, number> }
  | { f: 'commit_offsets'; offsets: Record<string, number> }
  | { f: 'list_committed_offsets'; keys: string[] };

/** Messages per key in one poll_ok: the client polls again from where it got to. */
export const POLL_MAX = 100;

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

function offsetMap(x: unknown): Record<string, number> | undefined {
  if (!isObj(x)) return undefined;
  for (const v of Object.values(x)) if (typeof v !== 'number' || !Number.isInteger(v)) return undefined;
  return x as Record<string, number>;
}

/** The kafka op of a request body; a string says why it is malformed; undefined: not a kafka request. */
export function kafkaRequestToOp(b: Body): KafkaOp | string | undefined {
  switch (b.type) {
    case 'send':
      if (typeof b.key !== 'string' || !('msg' in b)) return 'send needs a string key and a msg';
      return { f: 'send', key: b.key, msg: b.msg };
    case 'poll': {
      const offsets = offsetMap(b.offsets);
      return offsets ? { f: 'poll', offsets } : 'poll needs offsets: {key: integer offset}';
    }
    case 'commit_offsets': {
      const offsets = offsetMap(b.offsets);
      return offsets ? { f: 'commit_offsets', offsets } : 'commit_offsets needs offsets: {key: integer offset}';
    }
    case 'list_committed_offsets':
      if (!Array.isArray(b.keys) || !b.keys.every((k) => typeof k === 'string')) return 'list_committed_offsets needs keys: [string, ...]';
      return { f: 'list_committed_offsets', keys: b.keys as string[] };
    default:
      return undefined;
  }
}

/** Poll and list change nothing (`op` may be any state machine op: only these two f's match). */
export function isKafkaRead(op: { f: string }): boolean {
  return op.f === 'poll' || op.f === 'list_committed_offsets';
}

export class KafkaLogs {
  private readonly logs = new Map<string, unknown[]>();
  private readonly committed = new Map<string, number>();

  clone(): KafkaLogs {
    const c = new KafkaLogs();
    for (const [k, log] of this.logs) c.logs.set(k, log.slice());
    for (const [k, o] of this.committed) c.committed.set(k, o);
    return c;
  }

  apply(op: KafkaOp): Body {
    switch (op.f) {
      case 'send': {
        let log = this.logs.get(op.key);
        if (!log) this.logs.set(op.key, (log = []));
        log.push(op.msg);
        return { type: 'send_ok', offset: log.length - 1 };
      }
      case 'poll': {
        const msgs: Record<string, Array<[number, unknown]>> = {};
        for (const [k, from] of Object.entries(op.offsets)) {
          const log = this.logs.get(k) ?? [];
          const start = Math.max(0, from);
          const end = Math.min(log.length, start + POLL_MAX);
          if (start < end) msgs[k] = Array.from({ length: end - start }, (_, i) => [start + i, log[start + i]]);
        }
        return { type: 'poll_ok', msgs };
      }
      case 'commit_offsets':
        // Forward only: a late or repeated commit never takes the committed offset back.
        for (const [k, o] of Object.entries(op.offsets)) this.committed.set(k, Math.max(this.committed.get(k) ?? -1, o));
        return { type: 'commit_offsets_ok' };
      case 'list_committed_offsets': {
        const offsets: Record<string, number> = {};
        for (const k of op.keys) {
          const o = this.committed.get(k);
          if (o !== undefined) offsets[k] = o;
        }
        return { type: 'list_committed_offsets_ok', offsets };
      }
    }
  }
}

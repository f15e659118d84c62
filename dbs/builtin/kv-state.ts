// The state machine behind the Raft node: a key-value map (Maelstrom lin-kv: read, write, cas),
// a grow-only set (Maelstrom g-set: add, read) and Kafka-style logs (Maelstrom kafka, in
// kafka-state.ts). Deterministic, so every replica that applies
// the same log reaches the same state. Results are Maelstrom reply bodies.

import { ERR, type Body } from '../../src/maelstrom/protocol.js';
import { isKafkaRead, KafkaLogs, kafkaRequestToOp, type KafkaOp } from './kafka-state.js';

export type KvOp =
  | { f: 'read'; key: unknown }
  | { f: 'write'; key: unknown; value: unknown }
  | { f: 'cas'; key: unknown; from: unknown; to: unknown }
  | { f: 'add'; element: unknown }
  | { f: 'read-set' }
  | KafkaOp;

/** Turns a client request body into an op, or returns why it is malformed. */
export function requestToOp(b: Body): KvOp | string {
  switch (b.type) {
    case 'read':
      return 'key' in b ? { f: 'read', key: b.key } : { f: 'read-set' };
    case 'write':
      if (!('key' in b) || !('value' in b)) return 'write needs key and value';
      return { f: 'write', key: b.key, value: b.value };
    case 'cas':
      if (!('key' in b) || !('from' in b) || !('to' in b)) return 'cas needs key, from and to';
      return { f: 'cas', key: b.key, from: b.from, to: b.to };
    case 'add':
      if (!('element' in b)) return 'add needs element (this node has no counter)';
      return { f: 'add', element: b.element };
    default:
      return kafkaRequestToOp(b) ?? `unsupported request type ${b.type}`;
  }
}

export function isReadOp(op: KvOp): boolean {
  return op.f === 'read' || op.f === 'read-set' || isKafkaRead(op);
}

export class KvState {
  private readonly kv = new Map<string, unknown>();
  /** Elements by their JSON text (so 1 and "1" stay distinct). */
  private readonly set = new Map<string, unknown>();
  private kafka = new KafkaLogs();

  /** An independent copy (for speculative execution). */
  clone(): KvState {
    const c = new KvState();
    for (const [k, v] of this.kv) c.kv.set(k, v);
    for (const [k, v] of this.set) c.set.set(k, v);
    c.kafka = this.kafka.clone();
    return c;
  }

  apply(op: KvOp | null): Body {
    if (op === null) return { type: 'noop_ok' };
    switch (op.f) {
      case 'read': {
        const k = JSON.stringify(op.key);
        if (!this.kv.has(k)) return { type: 'error', code: ERR.keyDoesNotExist, text: 'key does not exist' };
        return { type: 'read_ok', value: this.kv.get(k) };
      }
      case 'write':
        this.kv.set(JSON.stringify(op.key), op.value);
        return { type: 'write_ok' };
      case 'cas': {
        const k = JSON.stringify(op.key);
        if (!this.kv.has(k)) return { type: 'error', code: ERR.keyDoesNotExist, text: 'key does not exist' };
        const cur = this.kv.get(k);
        if (JSON.stringify(cur) !== JSON.stringify(op.from)) {
          return { type: 'error', code: ERR.preconditionFailed, text: `expected ${JSON.stringify(op.from)}, had ${JSON.stringify(cur)}` };
        }
        this.kv.set(k, op.to);
        return { type: 'cas_ok' };
      }
      case 'add':
        this.set.set(JSON.stringify(op.element), op.element);
        return { type: 'add_ok' };
      case 'read-set':
        return { type: 'read_ok', value: [...this.set.values()] };
      default:
        return this.kafka.apply(op);
    }
  }
}

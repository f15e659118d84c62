// The built-in nodes' kafka state machine: dense offsets per key, polls from a position (capped),
// committed offsets that never go back, and malformed requests named.
import { describe, expect, it } from 'vitest';
import { isReadOp, KvState, requestToOp } from './kv-state.js';
import { POLL_MAX } from './kafka-state.js';

const apply = (sm: KvState, body: Record<string, unknown>) => {
  const op = requestToOp({ type: String(body.type), ...body });
  if (typeof op === 'string') throw new Error(op);
  return sm.apply(op);
};

describe('kafka logs in the built-in state machine', () => {
  it('hands out offsets 0, 1, 2 per key and polls from a position', () => {
    const sm = new KvState();
    expect(apply(sm, { type: 'send', key: 'a', msg: 10 })).toEqual({ type: 'send_ok', offset: 0 });
    expect(apply(sm, { type: 'send', key: 'b', msg: 20 })).toEqual({ type: 'send_ok', offset: 0 });
    expect(apply(sm, { type: 'send', key: 'a', msg: 11 })).toEqual({ type: 'send_ok', offset: 1 });
    expect(apply(sm, { type: 'poll', offsets: { a: 1, b: 0, c: 0 } })).toEqual({ type: 'poll_ok', msgs: { a: [[1, 11]], b: [[0, 20]] } });
    expect(apply(sm, { type: 'poll', offsets: { a: 2 } })).toEqual({ type: 'poll_ok', msgs: {} });
  });

  it('caps a poll at POLL_MAX messages per key', () => {
    const sm = new KvState();
    for (let i = 0; i < POLL_MAX + 5; i++) apply(sm, { type: 'send', key: 'a', msg: i });
    const r = apply(sm, { type: 'poll', offsets: { a: 3 } }) as unknown as { msgs: { a: Array<[number, number]> } };
    expect(r.msgs.a.length).toBe(POLL_MAX);
    expect(r.msgs.a[0]).toEqual([3, 3]);
  });

  it('keeps the highest committed offset and lists only keys that have one', () => {
    const sm = new KvState();
    expect(apply(sm, { type: 'commit_offsets', offsets: { a: 5, b: 1 } })).toEqual({ type: 'commit_offsets_ok' });
    apply(sm, { type: 'commit_offsets', offsets: { a: 3 } });
    expect(apply(sm, { type: 'list_committed_offsets', keys: ['a', 'b', 'c'] })).toEqual({ type: 'list_committed_offsets_ok', offsets: { a: 5, b: 1 } });
  });

  it('clones independently (the early-ack bug answers from a clone)', () => {
    const sm = new KvState();
    apply(sm, { type: 'send', key: 'a', msg: 1 });
    const c = sm.clone();
    apply(c, { type: 'send', key: 'a', msg: 2 });
    expect(apply(sm, { type: 'send', key: 'a', msg: 3 })).toEqual({ type: 'send_ok', offset: 1 });
  });

  it('polls and lists are reads; sends and commits are not; malformed requests are named', () => {
    const op = (b: Record<string, unknown>) => requestToOp({ type: String(b.type), ...b });
    expect([op({ type: 'poll', offsets: {} }), op({ type: 'list_committed_offsets', keys: [] })].map((o) => typeof o !== 'string' && isReadOp(o))).toEqual([true, true]);
    expect([op({ type: 'send', key: 'a', msg: 1 }), op({ type: 'commit_offsets', offsets: {} })].map((o) => typeof o !== 'string' && isReadOp(o))).toEqual([false, false]);
    expect(op({ type: 'send', key: 1, msg: 1 })).toMatch(/string key/);
    expect(op({ type: 'poll', offsets: { a: 'x' } })).toMatch(/poll needs offsets/);
    expect(op({ type: 'list_committed_offsets' })).toMatch(/keys/);
    expect(op({ type: 'frobnicate' })).toMatch(/unsupported request type frobnicate/);
  });
});

// The kafka workload's requests and replies in Maelstrom's schema: completions carry the request
// and the reply fields the checker reads; replies that break the schema are `info` (malformed).
import { describe, expect, it } from 'vitest';
import type { Invocation } from '../protocols.js';
import type { Body } from './protocol.js';
import { kafkaOp } from './workload-ops.js';

const inv = (f: string, value: unknown): Invocation => ({ index: 0, time: 0, type: 'invoke', process: 0, f, value });

/** A fake node: records the request, answers `reply`. */
function node(reply: Record<string, unknown>) {
  const sent: Array<Omit<Body, 'msg_id'>> = [];
  return { sent, req: async (b: Omit<Body, 'msg_id'>) => (sent.push(b), { ...reply, type: String(reply.type) } as Body) };
}

describe('kafka requests (Maelstrom schema)', () => {
  it('send {key, msg} → send_ok {offset}', async () => {
    const n = node({ type: 'send_ok', offset: 7 });
    expect(await kafkaOp(inv('send', { key: '1', msg: 42 }), n.req)).toEqual({ type: 'ok', value: { key: '1', msg: 42, offset: 7 } });
    expect(n.sent).toEqual([{ type: 'send', key: '1', msg: 42 }]);
  });

  it('poll {offsets} → poll_ok {msgs}; a missing msgs map means nothing', async () => {
    const n = node({ type: 'poll_ok', msgs: { '1': [[3, 9], [4, 10]] } });
    expect(await kafkaOp(inv('poll', { offsets: { '1': 3, '2': 0 } }), n.req)).toEqual({ type: 'ok', value: { offsets: { '1': 3, '2': 0 }, msgs: { '1': [[3, 9], [4, 10]] } } });
    expect(n.sent).toEqual([{ type: 'poll', offsets: { '1': 3, '2': 0 } }]);
    expect(await kafkaOp(inv('poll', { offsets: { '1': 0 } }), node({ type: 'poll_ok' }).req)).toEqual({ type: 'ok', value: { offsets: { '1': 0 }, msgs: {} } });
  });

  it('commit_offsets and list_committed_offsets', async () => {
    const c = node({ type: 'commit_offsets_ok' });
    expect(await kafkaOp(inv('commit_offsets', { offsets: { '1': 4 } }), c.req)).toEqual({ type: 'ok', value: { offsets: { '1': 4 } } });
    expect(c.sent).toEqual([{ type: 'commit_offsets', offsets: { '1': 4 } }]);
    const l = node({ type: 'list_committed_offsets_ok', offsets: { '1': 4 } });
    expect(await kafkaOp(inv('list_committed_offsets', { keys: ['1', '2'] }), l.req)).toEqual({ type: 'ok', value: { keys: ['1', '2'], offsets: { '1': 4 } } });
    expect(l.sent).toEqual([{ type: 'list_committed_offsets', keys: ['1', '2'] }]);
  });

  it('replies that break the schema are info with malformed-request, naming the field', async () => {
    const bad = [
      [inv('send', { key: '1', msg: 1 }), { type: 'send_ok' }, /send_ok offset/],
      [inv('send', { key: '1', msg: 1 }), { type: 'send_ok', offset: 1.5 }, /send_ok offset/],
      [inv('poll', { offsets: { '1': 0 } }), { type: 'poll_ok', msgs: [[0, 1]] }, /poll_ok msgs is not a map/],
      [inv('poll', { offsets: { '1': 0 } }), { type: 'poll_ok', msgs: { '1': [[0]] } }, /poll_ok msgs of key "1"/],
      [inv('poll', { offsets: { '1': 0 } }), { type: 'poll_ok', msgs: { '1': [['0', 1]] } }, /poll_ok msgs of key "1"/],
      [inv('list_committed_offsets', { keys: ['1'] }), { type: 'list_committed_offsets_ok', offsets: { '1': 'x' } }, /offsets is not a map/],
    ] as const;
    for (const [op, reply, why] of bad) {
      const r = await kafkaOp(op, node(reply).req);
      expect(r.type).toBe('info');
      expect((r.error as { code: number; text: string }).code).toBe(12);
      expect((r.error as { text: string }).text).toMatch(why);
    }
  });

  it('an f the workload does not have fails definitely', async () => {
    const r = await kafkaOp(inv('frob', {}), node({ type: 'x' }).req);
    expect(r.type).toBe('fail');
  });
});

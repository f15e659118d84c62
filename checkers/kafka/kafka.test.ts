import { describe, expect, it } from 'vitest';
import { HistoryBuilder } from '../history-builder.js';
import { checkKafka } from './analysis.js';

const send = (b: HistoryBuilder, p: number, key: string, msg: number, offset: number | null, type: 'ok' | 'info' | 'fail' = 'ok') =>
  b.op(p, 'send', { key, msg }, type, type === 'ok' ? { key, msg, offset } : { key, msg });
const poll = (b: HistoryBuilder, p: number, from: Record<string, number>, msgs: Record<string, Array<[number, number]>>, extra: Record<string, unknown> = {}) =>
  b.op(p, 'poll', { offsets: from }, 'ok', { offsets: from, msgs }, extra);
const commit = (b: HistoryBuilder, p: number, offsets: Record<string, number>, type: 'ok' | 'info' = 'ok') => b.op(p, 'commit_offsets', { offsets }, type, { offsets });
const list = (b: HistoryBuilder, p: number, keys: string[], offsets: Record<string, number>) => b.op(p, 'list_committed_offsets', { keys }, 'ok', { keys, offsets });

function healthy(): HistoryBuilder {
  const b = new HistoryBuilder();
  send(b, 0, 'a', 1, 0);
  send(b, 1, 'a', 2, 1);
  send(b, 0, 'b', 3, 0);
  send(b, 1, 'a', 4, 5); // sparse offsets are allowed
  poll(b, 2, { a: 0, b: 0 }, { a: [[0, 1], [1, 2]], b: [[0, 3]] });
  commit(b, 2, { a: 1, b: 0 });
  poll(b, 2, { a: 2, b: 1 }, { a: [[5, 4]] });
  commit(b, 2, { a: 5 });
  list(b, 3, ['a', 'b'], { a: 5, b: 0 });
  return b;
}

describe('kafka checker', () => {
  it('accepts a healthy log with sparse offsets, and measures ack → poll latency', () => {
    const r = checkKafka(healthy().history());
    expect(r.valid, r.summary).toBe(true);
    expect((r.ackToPollNs as { count: number }).count).toBe(4);
    expect((r.offsetTimelines as Array<{ key: string }>).map((t) => t.key).sort()).toEqual(['a', 'b']);
  });

  it('a send nobody polled, with nothing later polled, is unseen but not lost', () => {
    const b = healthy();
    send(b, 0, 'b', 9, 1);
    const r = checkKafka(b.history());
    expect(r.valid).toBe(true);
    expect(r.unseen).toEqual([expect.objectContaining({ key: 'b', offset: 1, msg: 9 })]);
  });

  it('finds a lost write when a later offset was polled, pointing at both ops', () => {
    const b = new HistoryBuilder();
    const s0 = send(b, 0, 'a', 1, 0);
    const s1 = send(b, 0, 'a', 2, 1);
    send(b, 0, 'a', 3, 2);
    const p = poll(b, 1, { a: 0 }, { a: [[0, 1], [2, 3]] });
    const r = checkKafka(b.history());
    expect(r.valid).toBe(false);
    expect(r.lost).toEqual([{ key: 'a', offset: 1, msg: 2, send: s1, evidence: p, how: 'skipped' }]);
    expect(r.gaps).toEqual([expect.objectContaining({ key: 'a', poll: p, skipped: [1] })]);
    expect(r.anomalies!.some((a) => a.index === s1 && /offset 1/.test(a.message))).toBe(true);
    void s0;
  });

  it('finds a lost tail: a final poll after healing finds nothing where an acknowledged send was', () => {
    const b = new HistoryBuilder();
    send(b, 0, 'a', 1, 0);
    const s = send(b, 0, 'a', 2, 1);
    poll(b, 1, { a: 0 }, { a: [[0, 1]] }, { final: true });
    const p = poll(b, 1, { a: 1 }, {}, { final: true });
    const r = checkKafka(b.history());
    expect(r.valid).toBe(false);
    expect(r.lost).toEqual([{ key: 'a', offset: 1, msg: 2, send: s, evidence: p, how: 'tail' }]);
    // The same empty poll outside the final phase proves nothing: no recency requirement.
    const c = new HistoryBuilder();
    send(c, 0, 'a', 1, 0);
    send(c, 0, 'a', 2, 1);
    poll(c, 1, { a: 1 }, {});
    expect(checkKafka(c.history()).valid).toBe(true);
  });

  it('finds a write that was polled and then vanished: a final poll reads its offset holding another message', () => {
    const b = new HistoryBuilder();
    send(b, 0, 'a', 1, 0);
    const s = send(b, 0, 'a', 2, 1);
    poll(b, 1, { a: 0 }, { a: [[0, 1], [1, 2]] });
    // A leader change dropped offset 1 and handed it out again.
    send(b, 0, 'a', 3, 1);
    const p = poll(b, 2, { a: 0 }, { a: [[0, 1], [1, 3]] }, { final: true });
    const r = checkKafka(b.history());
    expect(r.valid).toBe(false);
    expect(r.lost).toEqual([{ key: 'a', offset: 1, msg: 2, send: s, evidence: p, how: 'vanished' }]);
    // A final poll that does not reach offset 1 proves nothing about it.
    const c = new HistoryBuilder();
    send(c, 0, 'a', 1, 0);
    send(c, 0, 'a', 2, 1);
    poll(c, 1, { a: 0 }, { a: [[0, 1], [1, 2]] });
    poll(c, 2, { a: 0 }, { a: [[0, 1]] }, { final: true });
    poll(c, 2, { a: 1 }, { a: [[1, 2]] }, { final: true });
    expect(checkKafka(c.history()).valid).toBe(true);
  });

  it('finds an offset reused after a lost suffix: inconsistent offsets, a lost write and a non-monotonic send', () => {
    const b = new HistoryBuilder();
    send(b, 0, 'a', 1, 0);
    const lostSend = send(b, 0, 'a', 2, 1);
    const reuse = send(b, 1, 'a', 3, 1); // the new leader never had offset 1
    send(b, 1, 'a', 4, 2);
    poll(b, 2, { a: 0 }, { a: [[0, 1], [1, 3], [2, 4]] });
    const r = checkKafka(b.history());
    expect(r.valid).toBe(false);
    expect(r.lost).toEqual([expect.objectContaining({ key: 'a', offset: 1, msg: 2, send: lostSend })]);
    expect(r.inconsistentOffsets).toEqual([expect.objectContaining({ key: 'a', offset: 1, msgs: [2, 3] })]);
    expect(r.nonmonotonicSends).toEqual([{ key: 'a', earlier: lostSend, later: reuse, offsets: [1, 1] }]);
    const t = (r.offsetTimelines as Array<{ key: string; problems: Record<string, string[]> }>)[0]!;
    expect(t.problems['1']).toEqual(expect.arrayContaining(['lost', 'inconsistent']));
  });

  it('concurrent sends may take offsets in either order', () => {
    const b = new HistoryBuilder();
    b.invoke(0, 'send', { key: 'a', msg: 1 });
    b.invoke(1, 'send', { key: 'a', msg: 2 });
    b.complete('ok', 0, 'send', { key: 'a', msg: 1, offset: 1 });
    b.complete('ok', 1, 'send', { key: 'a', msg: 2, offset: 0 });
    poll(b, 2, { a: 0 }, { a: [[0, 2], [1, 1]] });
    expect(checkKafka(b.history()).valid).toBe(true);
  });

  it('finds duplicates, allowed on request', () => {
    const b = new HistoryBuilder();
    send(b, 0, 'a', 1, 0);
    poll(b, 1, { a: 0 }, { a: [[0, 1], [1, 1]] });
    const r = checkKafka(b.history());
    expect(r.valid).toBe(false);
    expect(r.duplicates).toEqual([expect.objectContaining({ key: 'a', msg: 1, offsets: [0, 1] })]);
    expect(checkKafka(b.history(), { allowDuplicates: true }).valid).toBe(true);
  });

  it('finds non-monotonic polls: out of order, or before the position asked for', () => {
    const b = new HistoryBuilder();
    send(b, 0, 'a', 1, 0);
    send(b, 0, 'a', 2, 1);
    send(b, 0, 'a', 3, 2);
    poll(b, 1, { a: 0 }, { a: [[0, 1], [2, 3], [1, 2]] });
    poll(b, 1, { a: 2 }, { a: [[1, 2]] });
    const r = checkKafka(b.history());
    expect(r.valid).toBe(false);
    const why = (r.nonmonotonicPolls as Array<{ why: string }>).map((x) => x.why);
    expect(why).toEqual([expect.stringMatching(/offset 1 after 2/), expect.stringMatching(/before the position/)]);
  });

  it('a consumer that rewinds (asks for an earlier position) is not non-monotonic', () => {
    const b = new HistoryBuilder();
    send(b, 0, 'a', 1, 0);
    poll(b, 1, { a: 0 }, { a: [[0, 1]] });
    poll(b, 1, { a: 0 }, { a: [[0, 1]] });
    expect(checkKafka(b.history()).valid).toBe(true);
  });

  it('finds committed offsets going backwards, excusing crashed commits', () => {
    const b = new HistoryBuilder();
    send(b, 0, 'a', 1, 0);
    send(b, 0, 'a', 2, 1);
    commit(b, 1, { a: 0 });
    const c = commit(b, 1, { a: 1 });
    const l = list(b, 2, ['a'], { a: 0 });
    const r = checkKafka(b.history());
    expect(r.valid).toBe(false);
    expect(r.committedBackwards).toEqual([{ key: 'a', list: l, offset: 0, before: c, beforeOffset: 1 }]);
    // A crashed commit of 0 may land after the commit of 1: then 0 is a fair answer.
    const d = new HistoryBuilder();
    commit(d, 1, { a: 0 }, 'info');
    commit(d, 2, { a: 1 });
    list(d, 3, ['a'], { a: 0 });
    expect(checkKafka(d.history()).valid).toBe(true);
    // Losing every committed offset after an acknowledged commit is backwards too.
    const e = new HistoryBuilder();
    commit(e, 1, { a: 3 });
    list(e, 2, ['a'], {});
    expect(checkKafka(e.history()).committedBackwards).toHaveLength(1);
  });

  it('a list concurrent with a commit may see the old or the new offset', () => {
    const b = new HistoryBuilder();
    commit(b, 1, { a: 0 });
    b.invoke(1, 'commit_offsets', { offsets: { a: 1 } });
    b.invoke(2, 'list_committed_offsets', { keys: ['a'] });
    b.complete('ok', 1, 'commit_offsets', { offsets: { a: 1 } });
    b.complete('ok', 2, 'list_committed_offsets', { keys: ['a'], offsets: { a: 0 } });
    list(b, 2, ['a'], { a: 1 });
    expect(checkKafka(b.history()).valid).toBe(true);
    list(b, 3, ['a'], { a: 7 });
    expect(checkKafka(b.history()).committedUnknown).toHaveLength(1);
  });

  it('finds aborted and phantom reads', () => {
    const b = new HistoryBuilder();
    send(b, 0, 'a', 1, null, 'fail');
    send(b, 0, 'a', 2, null, 'info');
    poll(b, 1, { a: 0 }, { a: [[0, 1], [1, 2], [2, 77]] });
    const r = checkKafka(b.history());
    expect(r.valid).toBe(false);
    expect(r.abortedReads).toEqual([expect.objectContaining({ key: 'a', msg: 1 })]);
    expect(r.phantoms).toEqual([expect.objectContaining({ key: 'a', msg: 77 })]);
  });

  it('says unknown, naming the op, when ops cannot be read', () => {
    const b = healthy();
    b.op(0, 'send', { key: 'a', msg: 5 }, 'ok', { key: 'a', msg: 5 });
    const r = checkKafka(b.history());
    expect(r.valid).toBe('unknown');
    expect(r.error).toMatch(/an ok send must return \{offset\}/);
  });
});

import { describe, expect, it } from 'vitest';
import { checkElle } from './check.js';
import { build, concurrent, seq } from './test-helpers.js';
import { FaultlineError } from '../../src/errors.js';
import { parseHistory } from '../../src/history-io.js';
import { getChecker } from '../index.js';

const la = (steps: Parameters<typeof build>[0], model = 'strict-serializable') => checkElle(build(steps), 'list-append', { consistencyModel: model });

describe('list-append checker: hand-made anomalies', () => {
  it('a serial history is strict-serializable', () => {
    const r = la([...seq(0, [['append', 'x', 1], ['r', 'x', [1]]]), ...seq(1, [['r', 'x', [1]], ['append', 'x', 2]]), ...seq(0, [['r', 'x', [1, 2]]])]);
    expect(r.valid).toBe(true);
    expect(r.anomalyTypes).toEqual([]);
    expect(r.strongest).toEqual(['strict-serializable']);
  });

  it('G0: write cycle', () => {
    const r = la([
      ...concurrent([[['append', 'x', 1], ['append', 'y', 1]], [['append', 'x', 2], ['append', 'y', 2]]]),
      ...seq(2, [['r', 'x', [1, 2]], ['r', 'y', [2, 1]]]),
    ]);
    expect(r.anomalyTypes).toEqual(['G0']);
    expect(r.not).toEqual(['read-uncommitted']);
    const a = r.examples.G0![0]!;
    expect(a.steps!.map((s) => s.kind)).toEqual(['ww', 'ww']);
    expect(a.steps![0]!.explanation).toMatch(/appended/);
  });

  it('G1c: circular information flow', () => {
    const r = la(concurrent([[['append', 'x', 1], ['r', 'y', [1]]], [['append', 'y', 1], ['r', 'x', [1]]]]));
    expect(r.anomalyTypes).toEqual(['G1c']);
    expect(r.not).toEqual(['read-committed']);
  });

  it('G-single: read skew, explained step by step', () => {
    const r = la(concurrent([[['r', 'x', []], ['r', 'y', [1]]], [['append', 'x', 1], ['append', 'y', 1]]]));
    expect(r.anomalyTypes).toEqual(['G-single']);
    expect(r.not.sort()).toEqual(['repeatable-read', 'snapshot-isolation']);
    expect(r.possible).toContain('read-committed');
    const a = r.examples['G-single']![0]!;
    expect(a.steps!.map((s) => s.kind).sort()).toEqual(['rw', 'wr']);
    expect(a.text).toMatch(/T\d+ read key "x" as \[\], .*and T\d+ appended 1/);
    expect(r.anomalies[0]!.message).toMatch(/^G-single/);
  });

  it('G2-item: write skew is allowed by snapshot isolation', () => {
    const steps = [...concurrent([[['r', 'x', []], ['append', 'y', 1]], [['r', 'y', []], ['append', 'x', 1]]]), ...seq(2, [['r', 'x', [1]], ['r', 'y', [1]]])];
    const r = la(steps);
    expect(r.anomalyTypes).toEqual(['G2-item']);
    expect(r.not).toEqual(['repeatable-read']);
    expect(r.strongest).toContain('strong-snapshot-isolation');
    expect(la(steps, 'snapshot-isolation').valid).toBe(true);
    expect(la(steps, 'serializable').valid).toBe(false);
  });

  it('G1a: reading an aborted append; dirty update when committed appends follow it', () => {
    const r = la([...seq(0, [['append', 'x', 1]], 'fail'), ...seq(1, [['r', 'x', [1]]])]);
    expect(r.anomalyTypes).toEqual(['G1a']);
    expect(r.not).toEqual(['read-committed']);
    const d = la([...seq(0, [['append', 'x', 1]], 'fail'), ...seq(1, [['append', 'x', 2]]), ...seq(2, [['r', 'x', [1, 2]]])]);
    expect(d.anomalyTypes).toEqual(['G1a', 'dirty-update']);
  });

  it('G1b: reading an intermediate append', () => {
    const r = la(concurrent([[['append', 'x', 1], ['append', 'x', 2]], [['r', 'x', [1]]]]));
    expect(r.anomalyTypes).toEqual(['G1b']);
  });

  it('internal inconsistency and future reads', () => {
    expect(la(seq(0, [['append', 'x', 1], ['r', 'x', []]])).anomalyTypes).toEqual(['internal']);
    expect(la(seq(0, [['r', 'x', [1]], ['append', 'x', 1]])).anomalyTypes).toEqual(['future-read']);
    // A non-repeatable read is internal (INT: a read disagrees with the txn's own earlier read),
    // and a G-single cycle too; read committed allows both.
    const nr = la(concurrent([[['r', 'x', []], ['r', 'x', [1]]], [['append', 'x', 1]]]));
    expect(nr.anomalyTypes).toEqual(['G-single', 'internal']);
    expect(nr.not).toEqual(['snapshot-isolation', 'repeatable-read'].sort());
    expect(la(concurrent([[['r', 'x', []], ['r', 'x', [1]]], [['append', 'x', 1]]]), 'read-committed').valid).toBe(true);
  });

  it('incompatible orders, duplicate elements, lost updates', () => {
    const inc = la([...seq(0, [['append', 'x', 1], ['append', 'x', 2], ['append', 'x', 3]]), ...seq(1, [['r', 'x', [1, 2]]]), ...seq(2, [['r', 'x', [1, 3]]])]);
    expect(inc.anomalyTypes).toContain('incompatible-order');
    expect(inc.not).toEqual(['read-committed']);
    const dup = la([...seq(0, [['append', 'x', 1]]), ...seq(1, [['r', 'x', [1, 1]]])]);
    expect(dup.anomalyTypes).toEqual(['duplicate-elements']);
    const lost = la([...concurrent([[['r', 'x', []], ['append', 'x', 1]], [['r', 'x', []], ['append', 'x', 2]]]), ...seq(2, [['r', 'x', [1, 2]]])]);
    expect(lost.anomalyTypes).toContain('lost-update');
    expect(lost.examples['lost-update']![0]!.ops).toHaveLength(2);
  });

  it('stale read: G-single-realtime rules out strict serializability only', () => {
    const steps = [...seq(0, [['append', 'x', 1]]), ...seq(1, [['r', 'x', []]])];
    const r = la(steps);
    expect(r.anomalyTypes).toEqual(['G-single-realtime']);
    expect(r.valid).toBe(false);
    expect(la(steps, 'serializable').valid).toBe(true);
    expect(la(steps, 'strong-session-serializable').valid).toBe(true);
    // The same on one process is a session violation.
    const s = la([...seq(0, [['append', 'x', 1]]), ...seq(0, [['r', 'x', []]])], 'strong-session-serializable');
    expect(s.anomalyTypes).toEqual(['G-single-process']);
    expect(s.valid).toBe(false);
  });

  it('an info transaction whose append was read counts as committed', () => {
    const r = la([['invoke', 0, [['append', 'x', 1]]], ['info', 0, [['append', 'x', 1]]], ...seq(1, [['r', 'x', [1]]])]);
    expect(r.valid).toBe(true);
  });

  it('an exhausted search budget gives unknown, unless an anomaly already decides', () => {
    const skew3 = [
      ...concurrent([[['r', 'x', []], ['append', 'y', 1]], [['r', 'y', []], ['append', 'z', 1]], [['r', 'z', []], ['append', 'x', 1]]]),
      ...seq(3, [['r', 'x', [1]], ['r', 'y', [1]], ['r', 'z', [1]]]),
    ];
    const full = checkElle(build(skew3), 'list-append', { consistencyModel: 'snapshot-isolation' });
    expect(full.valid).toBe(true);
    expect(full.anomalyTypes).toEqual(['G2-item']);
    const starved = checkElle(build(skew3), 'list-append', { consistencyModel: 'snapshot-isolation', maxStates: 0 });
    expect(starved.valid).toBe('unknown');
    expect(starved.incomplete).toContain('G-single');
    expect(starved.error).toMatch(/could not finish/);
    // A G1a is found without any search, so the verdict stays false.
    const g1a = [...skew3, ...seq(4, [['append', 'w', 1]], 'fail'), ...seq(5, [['r', 'w', [1]]])];
    expect(checkElle(build(g1a), 'list-append', { consistencyModel: 'snapshot-isolation', maxStates: 0 }).valid).toBe(false);
  });

  it('malformed transactions are clear errors naming the op', () => {
    const bad = (mops: unknown[]) => () => la(seq(0, mops));
    expect(bad([['r', 'x', 3]])).toThrow(FaultlineError);
    expect(bad([['r', 'x', 3]])).toThrow(/history index 1.*not a list/);
    expect(bad([['append', 'x']])).toThrow(/micro-op 0 must be \[f, key, value\]/);
    expect(bad([['append', 'x', null]])).toThrow(/appends no value/);
    expect(bad([['w', 'x', 1]])).toThrow(/expects append or r/);
    expect(() => la([...seq(0, [['append', 'x', 1]]), ...seq(1, [['append', 'x', 1]])])).toThrow(/appended to key "x" twice/);
    expect(() => checkElle(build(seq(0, [['r', 'x', []]])), 'list-append', { consistencyModel: 'nope' })).toThrow(/unknown consistency model/);
    const reads = [{ index: 0, time: 0, type: 'invoke' as const, process: 0, f: 'read', value: null }, { index: 1, time: 1, type: 'ok' as const, process: 0, f: 'read', value: 3 }];
    expect(() => checkElle(reads, 'list-append')).toThrow(/no transactions \(f txn\) in the history, only read/);
  });

  it('reads Jepsen EDN the same as JSONL', () => {
    const edn = [
      '{:type :invoke, :f :txn, :value [[:append 3 1] [:r 4 nil]], :process 0, :time 1, :index 0}',
      '{:type :invoke, :f :txn, :value [[:append 4 1] [:r 3 nil]], :process 1, :time 2, :index 1}',
      '{:type :ok, :f :txn, :value [[:append 3 1] [:r 4 [1]]], :process 0, :time 3, :index 2}',
      '{:type :ok, :f :txn, :value [[:append 4 1] [:r 3 [1]]], :process 1, :time 4, :index 3}',
      '{:type :invoke, :f :start-partition, :value nil, :process :nemesis, :time 5, :index 4}',
      '{:type :info, :f :start-partition, :value nil, :process :nemesis, :time 6, :index 5}',
    ].join('\n');
    const h = parseHistory(edn, 'h.edn', 'edn');
    const r = checkElle(h, 'list-append', {});
    expect(r.anomalyTypes).toEqual(['G1c']);
    expect(r.examples.G1c![0]!.steps!.map((s) => s.key).sort()).toEqual([3, 4]);
  });

  it("Elle's paper example: a G-single through an unobserved append", () => {
    const ops = [
      [[':append', 253, 1], [':append', 253, 3], [':append', 253, 4], [':append', 255, 2], [':append', 255, 3], [':append', 255, 4], [':append', 255, 5], [':append', 256, 1], [':append', 256, 2]],
      [[':append', 255, 8], [':r', 253, '[1 3 4]']],
      [[':append', 256, 4], [':r', 255, '[2 3 4 5 8]'], [':r', 256, '[1 2 4]'], [':r', 253, '[1 3 4]']],
      [[':append', 250, 10], [':r', 253, '[1 3 4]'], [':r', 255, '[2 3 4 5]'], [':append', 256, 3]],
    ];
    const edn = ops.flatMap((t) => {
      const v = (inv: boolean) => `[${t.map(([f, k, x]) => `[${f} ${k} ${inv && f === ':r' ? 'nil' : x}]`).join(' ')}]`;
      return [`{:type :invoke, :process 0, :f :txn, :value ${v(true)}}`, `{:type :ok, :process 0, :f :txn, :value ${v(false)}}`];
    }).join('\n');
    const r = checkElle(parseHistory(edn, 'paper.edn', 'edn'), 'list-append', { consistencyModel: 'serializable' });
    expect(r.anomalyTypes).toEqual(['G-single']);
    const kinds = r.examples['G-single']![0]!.steps!.map((s) => s.kind).sort();
    expect(kinds).toEqual(['rw', 'wr', 'ww']);
  });

  it('snapshot isolation without G-single: only G2-item (nil reads are empty lists)', () => {
    const edn = [
      '{:type :invoke, :process 2, :f :txn, :value [[:append 9 2]]}', '{:type :ok, :process 2, :f :txn, :value [[:append 9 2]]}',
      '{:type :invoke, :process 4, :f :txn, :value [[:append 8 1] [:r 9 nil]]}', '{:type :ok, :process 4, :f :txn, :value [[:append 8 1] [:r 9 nil]]}',
      '{:type :invoke, :process 7, :f :txn, :value [[:r 6 nil] [:r 8 nil] [:append 9 5]]}', '{:type :ok, :process 7, :f :txn, :value [[:r 6 nil] [:r 8 nil] [:append 9 5]]}',
      '{:type :invoke, :process 9, :f :txn, :value [[:append 6 2] [:r 9 nil]]}', '{:type :ok, :process 9, :f :txn, :value [[:append 6 2] [:r 9 [2]]]}',
    ].join('\n');
    const h = parseHistory(edn, 'si.edn', 'edn');
    // Written one after the other, so T2's empty read of key 9 is also stale in real time.
    expect(checkElle(h, 'list-append', { consistencyModel: 'serializable' }).anomalyTypes).toEqual(['G-single-realtime', 'G2-item']);
    expect(checkElle(h, 'list-append', { consistencyModel: 'snapshot-isolation' }).valid).toBe(true);
  });

  it('is registered as a checker plugin with options and a terminal format', async () => {
    const p = getChecker('list-append')!;
    expect(p).toBeDefined();
    const c = p.create({ consistencyModel: 'snapshot-isolation' });
    const steps = [...concurrent([[['r', 'x', []], ['append', 'y', 1]], [['r', 'y', []], ['append', 'x', 1]]]), ...seq(2, [['r', 'x', [1]], ['r', 'y', [1]]])];
    const r = await c.check(build(steps), {});
    expect(r.valid).toBe(true);
    const r2 = await c.check(build(steps), { consistencyModel: 'serializable' });
    expect(r2.valid).toBe(false);
    expect(p.format!(r2)).toMatch(/G2-item #1/);
    expect(() => p.create({ consistencyModel: 'bogus' })).toThrow(FaultlineError);
  });
});

// Set checkers: lost elements are named, stale ones get visibility latencies, convergence.

import { describe, expect, it } from 'vitest';
import type { History, Op } from '../../src/history.js';
import type { ElementOutcome } from '../../src/protocols.js';
import { getChecker } from '../index.js';
import { checkConvergenceHistory } from './convergence.js';
import { checkSetFull } from './set-full.js';
import { checkSet } from './simple-set.js';

/** A replicated set: adds go to node n1, replicas see them `lag` ticks later; `lose` elements vanish. */
function gossipHistory(n: number, opts: { lag: number; lose?: Set<number>; finals?: boolean }): History {
  const h: Op[] = [];
  const acked: { e: number; t: number }[] = [];
  let t = 0;
  const push = (op: Omit<Op, 'index'>): void => void h.push({ ...op, index: h.length } as Op);
  for (let i = 0; i < n; i++) {
    t += 10;
    push({ time: t, type: 'invoke', process: 0, f: 'add', value: i });
    push({ time: t + 1, type: 'ok', process: 0, f: 'add', value: i });
    acked.push({ e: i, t: t + 1 });
    if (i % 5 === 4) {
      const node = 1 + (i % 3);
      const visible = acked.filter((a) => a.t + opts.lag * (node - 1) <= t + 2 && !(opts.lose?.has(a.e) && a.t + 30 < t)).map((a) => a.e);
      push({ time: t + 2, type: 'invoke', process: node, f: 'read', value: null, node: `n${node}` });
      push({ time: t + 3, type: 'ok', process: node, f: 'read', value: visible, node: `n${node}` });
    }
  }
  if (opts.finals !== false) {
    for (let node = 1; node <= 3; node++) {
      const all = acked.map((a) => a.e).filter((e) => !opts.lose?.has(e));
      push({ time: t + 100, type: 'invoke', process: node, f: 'read', value: null, node: `n${node}`, final: true });
      push({ time: t + 101, type: 'ok', process: node, f: 'read', value: all, node: `n${node}`, final: true });
    }
  }
  return h;
}

describe('set-full', () => {
  it('accepts lagging replicas and reports visibility latencies', () => {
    const r = checkSetFull(gossipHistory(100, { lag: 25 }));
    expect(r.valid).toBe(true);
    const c = r.counts as Record<string, number>;
    expect(c.lost).toBe(0);
    expect(c.stale).toBeGreaterThan(0);
    const q = r.visibilityLatencyNs as Record<string, number>;
    expect(q.count).toBe(100);
    expect(q.max).toBeGreaterThan(0);
    expect((r.convergence as { valid: boolean }).valid).toBe(true);
  });

  it('names every lost element', () => {
    const lose = new Set([3, 17, 42]);
    const r = checkSetFull(gossipHistory(100, { lag: 5, lose }));
    expect(r.valid).toBe(false);
    expect([...(r.lost as number[])].sort((a, b) => a - b)).toEqual([3, 17, 42]);
    const lostOutcomes = (r.elements as ElementOutcome[]).filter((e) => e.outcome === 'lost');
    expect(lostOutcomes.map((e) => e.element).sort((a, b) => (a as number) - (b as number))).toEqual([3, 17, 42]);
    expect(r.anomalies?.length).toBeGreaterThanOrEqual(3);
    expect(getChecker('set-full')!.format!(r)).toMatch(/lost elements \(3\): /);
  });

  it("reads Maelstrom's broadcast histories (adds as 'broadcast') without an addF option", () => {
    const h: History = [
      { index: 0, time: 0, type: 'invoke', process: 0, f: 'broadcast', value: 1 },
      { index: 1, time: 1, type: 'ok', process: 0, f: 'broadcast', value: 1 },
      { index: 2, time: 2, type: 'invoke', process: 1, f: 'broadcast', value: 2 },
      { index: 3, time: 3, type: 'ok', process: 1, f: 'broadcast', value: 2 },
      { index: 4, time: 4, type: 'invoke', process: 2, f: 'read', value: null },
      { index: 5, time: 5, type: 'ok', process: 2, f: 'read', value: [1] },
    ];
    const r = checkSet(h);
    expect(r.valid).toBe(false);
    expect(r.lost).toEqual([2]);
  });

  it('flags unexpected and duplicated elements and never-read ones', () => {
    const h: History = [
      { index: 0, time: 0, type: 'invoke', process: 0, f: 'add', value: 1 },
      { index: 1, time: 1, type: 'ok', process: 0, f: 'add', value: 1 },
      { index: 2, time: 2, type: 'invoke', process: 1, f: 'read', value: null },
      { index: 3, time: 3, type: 'ok', process: 1, f: 'read', value: [1, 1, 9] },
      { index: 4, time: 4, type: 'invoke', process: 0, f: 'add', value: 2 },
      { index: 5, time: 5, type: 'ok', process: 0, f: 'add', value: 2 },
    ];
    const r = checkSetFull(h);
    expect(r.valid).toBe(false);
    const by = new Map((r.elements as ElementOutcome[]).map((e) => [`${e.element}:${e.outcome}`, e]));
    expect(by.has('1:duplicated')).toBe(true);
    expect(by.has('9:unexpected')).toBe(true);
    expect(by.has('2:never-read')).toBe(true);
  });

  it('does not call an element lost when the only read missing it was concurrent with its add', () => {
    const h: History = [
      { index: 0, time: 0, type: 'invoke', process: 0, f: 'add', value: 1 },
      { index: 1, time: 1, type: 'invoke', process: 1, f: 'read', value: null },
      { index: 2, time: 2, type: 'ok', process: 0, f: 'add', value: 1 },
      { index: 3, time: 3, type: 'ok', process: 1, f: 'read', value: [] },
    ];
    const r = checkSetFull(h);
    expect((r.counts as Record<string, number>).lost).toBe(0);
    expect((r.counts as Record<string, number>)['never-read']).toBe(1);
    expect(r.valid).toBe('unknown'); // nothing was ever seen: no evidence
    const later: History = [...h,
      { index: 4, time: 4, type: 'invoke', process: 1, f: 'read', value: null },
      { index: 5, time: 5, type: 'ok', process: 1, f: 'read', value: [] }];
    const r2 = checkSetFull(later);
    expect(r2.valid).toBe(false);
    expect(r2.lost).toEqual([1]);
  });

  it('makes stale reads invalid when the set promises linearizability', () => {
    expect(checkSetFull(gossipHistory(50, { lag: 25 }), { linearizable: true }).valid).toBe(false);
  });
});

describe('convergence', () => {
  it('requires final reads to agree and hold every acknowledged add', () => {
    const good = gossipHistory(30, { lag: 5 });
    expect(checkConvergenceHistory(good).valid).toBe(true);
    const bad = good.map((op) => (op.final && op.type === 'ok' && op.node === 'n2' ? { ...op, value: (op.value as number[]).slice(1) } : op));
    const r = checkConvergenceHistory(bad);
    expect(r.valid).toBe(false);
    expect(r.missingAcknowledged).toEqual([0]);
  });
  it('says when there is nothing to check', () => {
    const r = checkConvergenceHistory([{ index: 0, time: 0, type: 'invoke', process: 0, f: 'add', value: 1 }]);
    expect(r.checked).toBe(false);
  });
});

describe('set', () => {
  it('finds lost and unexpected elements in the final read', () => {
    const h = gossipHistory(22, { lag: 0, finals: false });
    expect(checkSet(h).valid).toBe(false); // the last read happened before the last adds
    const withFinal = gossipHistory(20, { lag: 0, lose: new Set([4]) });
    const r = checkSet(withFinal);
    expect(r.valid).toBe(false);
    expect(r.lost).toEqual([4, 4, 4]);
    expect(checkSet(gossipHistory(20, { lag: 0 })).valid).toBe(true);
  });
});

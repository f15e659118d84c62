// The parallel and cooperative partition scheduler: a partition that never finishes does not hide
// a violating one (in one thread, across threads, and when a helper thread never shows up), the
// first violation stops every thread, budgets still answer 'unknown', a violation found in a
// worker thread still gets its witness, and values a worker cannot receive keep the check here.

import { beforeAll, describe, expect, it } from 'vitest';
import type { History, Op } from '../../src/history.js';
import { createRng } from '../../src/rng.js';
import { IDLE, poolCapacity, poolReady, readyWorkers } from '../../src/parallel/pool.js';
import { checkLinearizable, models, prepare } from './index.js';
import { FAIL, Job, runThread, VIOLATION } from './schedule.js';

/** Builds a history from events in order (index = time = position). */
function history(events: [Op['type'], number, string, unknown][]): History {
  return events.map(([type, process, f, value], index) => ({ index, time: index, type, process, f, value }));
}

/**
 * Counter keys. A hard key: `crashed` adds of distinct powers of two that never complete, then a
 * read of -1, which no subset can explain: refuting it means trying all 2^crashed subsets (every
 * sum is a distinct state, so nothing is memoized away). A bad key: add 1, then read 5 - refuted
 * in a few steps. Keys are listed in `order` (first appearance decides partition order).
 */
function counterHistory(order: string[], crashed = 30): History {
  const ev: [Op['type'], number, string, unknown][] = [];
  order.forEach((k, j) => {
    const p = 1000 * (j + 1);
    if (k.startsWith('hard')) {
      for (let i = 0; i < crashed; i++) ev.push(['invoke', p + i, 'add', [k, 2 ** i]]);
      ev.push(['invoke', p + 999, 'read', [k, null]], ['ok', p + 999, 'read', [k, -1]]);
    } else {
      ev.push(['invoke', p, 'add', [k, 1]], ['ok', p, 'add', [k, 1]], ['invoke', p, 'read', [k, null]], ['ok', p, 'read', [k, 5]]);
    }
  });
  return ev.length ? history(ev) : [];
}

// Seven hard keys: 217 ops, enough for the check to hand some to a worker thread.
const HARD = ['hard0', 'hard1', 'hard2', 'hard3', 'hard4', 'hard5', 'hard6'];

describe('cooperative scheduling in one thread', () => {
  it('a partition that never finishes does not hide a violating one', () => {
    const r = checkLinearizable(counterHistory([...HARD, 'bad']), { model: 'counter', workers: 0 });
    expect(r.valid).toBe(false);
    expect(r.stats.threads).toBe(1);
    expect(r.witness!.key).toBe('bad');
    expect(r.partitionsDecided).toBeLessThan(r.partitions);
    // The bad key gets its first budget after each hard key got 1,000 steps.
    expect(r.stats.explored).toBeLessThan(30_000);
  });

  it('takes over the share of a helper thread that never shows up, without losing interleaving', () => {
    // Three threads planned, only thread 0 runs: partitions 1, 2, 4, 5 are other threads' shares.
    const prepared = prepare(counterHistory(['hard0', 'hard1', 'hard2', 'hard3', 'hard4', 'bad']), models.counter!);
    const parts = prepared.partitions;
    expect(parts.map((p) => p.key)).toEqual(['hard0', 'hard1', 'hard2', 'hard3', 'hard4', 'bad']);
    const job = new Job(parts.length, 3);
    runThread(job, models.counter!, (i) => parts[i]!.ops, { thread: 0, deadline: Infinity, memoryLimitBytes: 1 << 30, steal: true });
    expect(job.stopped()).toBe(VIOLATION);
    expect(job.status(5)).toBe(FAIL);
    for (let i = 0; i < 5; i++) expect(job.owner(i)).toBe(0);
    let steps = 0;
    for (let i = 0; i < parts.length; i++) steps += job.steps(i);
    expect(steps).toBeLessThan(50_000);
  });

  it('a time budget gives unknown, naming the undecided keys', () => {
    const t = performance.now();
    const r = checkLinearizable(counterHistory(HARD), { model: 'counter', workers: 0, timeLimitMs: 200 });
    expect(r.valid).toBe('unknown');
    expect(r.error).toMatch(/time limit of 200 ms exhausted/);
    expect(r.error).toMatch(/undecided keys: "hard0"/);
    expect(performance.now() - t).toBeLessThan(10_000); // not minutes (a shared machine can be slow)
  });

  it('a memory budget gives unknown', () => {
    const r = checkLinearizable(counterHistory(HARD), { model: 'counter', workers: 0, memoryLimitBytes: 2_000_000 });
    expect(r.valid).toBe('unknown');
    expect(r.error).toMatch(/memory budget of 2000000 bytes exhausted/);
  });

  it('decides every partition of a valid history', () => {
    const ok = history([
      ['invoke', 0, 'add', ['a', 1]], ['invoke', 1, 'add', ['b', 2]], ['ok', 0, 'add', ['a', 1]], ['ok', 1, 'add', ['b', 2]],
      ['invoke', 0, 'read', ['a', null]], ['ok', 0, 'read', ['a', 1]], ['invoke', 1, 'read', ['b', null]], ['ok', 1, 'read', ['b', 2]],
    ]);
    const r = checkLinearizable(ok, { model: 'counter', workers: 0 });
    expect(r.valid).toBe(true);
    expect(r.partitionsDecided).toBe(2);
  });
});

const pool = poolCapacity() > 0;

describe.skipIf(!pool)('partitions on worker threads', () => {
  beforeAll(async () => {
    expect(await poolReady()).toBeGreaterThan(0);
  }, 60_000);

  const idleSoon = async (ms: number): Promise<boolean> => {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      if (readyWorkers('linearizable').every((w) => w.state() === IDLE)) return true;
      await new Promise((r) => setTimeout(r, 10));
    }
    return false;
  };

  it('finds a violation whichever thread holds it, and every thread stops at once', async () => {
    // Violating keys at both parities: one in this thread's share, one in the helper's.
    for (const order of [[...HARD, 'bad'], ['hard0', 'bad', ...HARD.slice(1)]]) {
      const t = performance.now();
      const r = checkLinearizable(counterHistory(order), { model: 'counter' });
      expect(r.valid).toBe(false);
      expect(r.stats.threads).toBe(2);
      expect(r.witness!.key).toBe('bad');
      expect(r.witness!.text).toContain('on key');
      expect(performance.now() - t).toBeLessThan(10_000);
      // The helper holds hard keys that would run for minutes: it must stop with the check.
      expect(await idleSoon(10_000)).toBe(true);
    }
  });

  it('budgets give unknown with helpers too, and release them', async () => {
    const t = performance.now();
    const r = checkLinearizable(counterHistory(HARD), { model: 'counter', timeLimitMs: 300 });
    expect(r.valid).toBe('unknown');
    expect(r.stats.threads).toBe(2);
    expect(r.error).toMatch(/time limit of 300 ms exhausted/);
    expect(performance.now() - t).toBeLessThan(10_000); // not minutes (a shared machine can be slow)
    expect(await idleSoon(10_000)).toBe(true);
    const m = checkLinearizable(counterHistory(HARD), { model: 'counter', memoryLimitBytes: 4_000_000 });
    expect(m.valid).toBe('unknown');
    expect(m.error).toMatch(/memory budget/);
    expect(m.stats.peakMemoBytes).toBeGreaterThan(0);
    expect(await idleSoon(10_000)).toBe(true);
  });

  it('gives the same verdicts as one thread on many random multi-key histories', () => {
    // Concurrent register histories over 6 keys (10 processes, ops take effect at completion),
    // some with a stale read: the verdicts agree.
    const rng = createRng(7);
    const rand = (n: number): number => rng.int(n);
    let invalid = 0;
    for (let h = 0; h < 40; h++) {
      const ev: [Op['type'], number, string, unknown][] = [];
      const value = new Map<string, number>();
      const open = new Map<number, [string, string, number]>();
      for (let i = 0; i < 800; i++) {
        const p = rand(10);
        const o = open.get(p);
        if (!o) {
          const k = `k${rand(6)}`;
          const w = rand(2) === 0;
          const v = rand(5);
          open.set(p, [w ? 'write' : 'read', k, v]);
          ev.push(['invoke', p, w ? 'write' : 'read', [k, w ? v : null]]);
        } else {
          const [f, k, v] = o;
          open.delete(p);
          if (f === 'write') value.set(k, v);
          const out = f === 'write' ? v : rand(150) === 0 ? 9 : (value.get(k) ?? null);
          ev.push(['ok', p, f, [k, out]]);
        }
      }
      const hist = history(ev);
      const one = checkLinearizable(hist, { model: 'cas-register', workers: 0, witness: false, staleReads: false });
      const two = checkLinearizable(hist, { model: 'cas-register', witness: false, staleReads: false });
      const pre = checkLinearizable(hist, { model: 'cas-register', witness: false }); // with the stale-read pre-pass
      expect(two.stats.threads).toBe(2);
      expect(two.valid).toBe(one.valid);
      expect(pre.valid).toBe(one.valid);
      if (one.valid === true) expect(two.partitionsDecided).toBe(two.partitions);
      else invalid++;
    }
    expect(invalid).toBeGreaterThan(3);
    expect(invalid).toBeLessThan(37);
  });

  it('keeps the check in this thread when a value cannot be sent to a worker', () => {
    // A Date as a key: the packer refuses it (only JSON-like values and bigints travel).
    const when = new Date(0);
    const ev = counterHistory([...HARD, 'bad']).map((op) => {
      const v = op.value as [unknown, unknown];
      return v[0] === 'hard1' ? { ...op, value: [when, v[1]] } : op;
    });
    const r = checkLinearizable(ev, { model: 'counter' });
    expect(r.valid).toBe(false);
    expect(r.stats.threads).toBe(1);
    expect(r.witness!.key).toBe('bad');
  });
});

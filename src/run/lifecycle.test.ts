// The run lifecycle with an in-memory database: a crash still stores what was observed, a
// signal (emitted to the process) and the caller's abort stop the run cleanly through the one
// signal owner, and no signal listener is left behind.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exitCodeForError, RunFailedError } from '../errors.js';
import type { Client, Db } from '../protocols.js';
import { registered } from '../signals.js';
import { prepareRun, type RunOptions } from './plan.js';
import { executePlan } from './lifecycle.js';
import '../../app/builtins.js';

const out = mkdtempSync(join(tmpdir(), 'fl-lifecycle-'));

/** A linearizable in-memory store of registers by key (values are [key, v]); each op takes a millisecond. */
function memoryDb(o: { setupFails?: Error } = {}): Db & { tornDown: number; client: () => Client } {
  const regs = new Map<unknown, unknown>();
  const client: Client = {
    open: async () => client,
    invoke: async (_t, op) => {
      await new Promise((r) => setTimeout(r, 1));
      const [k, v] = op.value as [unknown, unknown];
      if (op.f === 'read') return { type: 'ok', value: [k, regs.get(k) ?? null] };
      if (op.f === 'write') {
        regs.set(k, v);
        return { type: 'ok', value: op.value };
      }
      const [from, to] = v as [unknown, unknown];
      if ((regs.get(k) ?? null) !== from) return { type: 'fail' };
      regs.set(k, to);
      return { type: 'ok', value: op.value };
    },
  };
  const db = {
    name: 'memory',
    tornDown: 0,
    setup: async () => {
      if (o.setupFails) throw o.setupFails;
    },
    teardown: async () => {
      db.tornDown++;
    },
    client: () => client,
  };
  return db;
}

function plan(db: Db & { client: () => Client }, extra: Partial<RunOptions> = {}) {
  const p = prepareRun({ workload: 'register', nemesis: [], nodes: 3, timeLimitS: 2, rate: 200, out, quiet: true, seed: 1, ...extra });
  p.db = db;
  p.client = () => db.client();
  return p;
}

const listeners = () => ['SIGINT', 'SIGTERM', 'SIGHUP'].map((s) => process.listenerCount(s));

describe('run lifecycle', () => {
  it('a crash during setup tears down, stores an unknown result naming the error, and throws with the run directory', async () => {
    const db = memoryDb({ setupFails: new TypeError('boom in setup') });
    const err = await executePlan(plan(db)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RunFailedError);
    expect(exitCodeForError(err)).toBe(255);
    const dir = (err as RunFailedError).dir;
    expect(db.tornDown).toBe(1);
    const results = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));
    expect(results.valid).toBe('unknown');
    expect(results.error).toMatch(/TypeError: boom in setup/);
    expect(existsSync(join(dir, 'history.jsonl'))).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, 'test.json'), 'utf8')).finishedAt).toBeTruthy();
  });

  it('completes and checks a run, then calls the afterStore hook', async () => {
    const stored: string[] = [];
    const o = await executePlan(plan(memoryDb(), { afterStore: async (d) => stored.push(d) }));
    expect(o.valid).toBe(true);
    expect(o.interrupted).toBe(false);
    expect(stored).toEqual([o.dir]);
    expect(readFileSync(join(o.dir, 'history.jsonl'), 'utf8').split('\n').length).toBeGreaterThan(50);
  });

  it('SIGTERM and SIGHUP reach the run through one owner: a clean stop, unknown, history kept, no listener left', async () => {
    const before = listeners();
    for (const sig of ['SIGTERM', 'SIGHUP'] as const) {
      const db = memoryDb();
      const p = executePlan(plan(db, { timeLimitS: 30 }));
      await new Promise((r) => setTimeout(r, 500));
      expect(registered().stoppers).toBe(1);
      // One listener per signal, whatever the run holds (no per-resource handlers).
      expect(listeners().map((n, i) => n - before[i]!)).toEqual([1, 1, 1]);
      process.emit(sig);
      const o = await p;
      expect(o.interrupted).toBe(true);
      expect(o.valid).toBe('unknown');
      expect(o.results.error).toMatch(new RegExp(`interrupted \\(${sig}\\) after \\d+ ops`));
      expect(db.tornDown).toBe(1);
      expect(readFileSync(join(o.dir, 'history.jsonl'), 'utf8').length).toBeGreaterThan(0);
      expect(listeners()).toEqual(before);
      expect(registered()).toEqual({ stoppers: 0, cleanups: [] });
    }
  });

  it("the caller's abort signal stops the run the same way", async () => {
    const ac = new AbortController();
    const p = executePlan(plan(memoryDb(), { timeLimitS: 30, signal: ac.signal }));
    setTimeout(() => ac.abort(), 300);
    const o = await p;
    expect(o.interrupted).toBe(true);
    expect(o.results.error).toMatch(/interrupted \(aborted by the caller\)/);
  });
});

// The built-in Multi-Paxos target (`--db paxos`): a short lin-kv run under partitions and the
// paxos defaults' kills (a majority or every node) is judged linearizable, with ops succeeding
// (so the verdict is not vacuous); each bug switch is caught within three seeds of a short run
// under the fault it needs (test/seeds.ts). Catch rates over seeds: bench/paxos-seeds.ts.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import '../app/builtins.js';
import { runTest } from '../src/run.js';
import { caughtInvalid } from './seeds.js';

const out = mkdtempSync(join(tmpdir(), 'faultline-paxos-'));

type RunOptions = Parameters<typeof runTest>[0];
const caught = (o: Omit<RunOptions, 'seed'>, checker: string) => caughtInvalid((seed) => runTest({ ...o, seed }), checker);

describe('paxos db', () => {
  it('lin-kv under partitions and kills of a majority or all nodes is linearizable', async () => {
    const o = await runTest({ db: 'paxos', workload: 'lin-kv', nemesis: ['partition', 'kill'], nemesisIntervalS: 3, timeLimitS: 15, rate: 300, seed: 1, out, quiet: true });
    expect(o.test.nemesisOptions).toEqual({ kill: 'majority+all' });
    expect(o.results.results?.linearizable?.valid).toBe(true);
    // On a loaded machine one kind of op may never succeed (stats: unknown); never invalid.
    expect(o.valid).not.toBe(false);
    const stats = o.results.results?.stats as { total?: { ok: number } } | undefined;
    expect(stats?.total?.ok).toBeGreaterThan(10);
  }, 120_000);

  // Every acceptor forgets at once: the next leader's phase 1 learns nothing, the log starts over.
  // Seed 1 verified (20 s, a kill every ~5 s). A single short run is a sample, not a rate: with
  // 3 s gaps the restarts of a loaded machine left almost no up-time between kills and nothing
  // was read back (valid); seed 2 missed as well. Rates: bench/paxos-seeds.ts.
  it('forget-promises: whole-cluster kills lose chosen values (invalid)', async () => {
    await caught({ db: 'paxos', workload: 'lin-kv', bug: 'forget-promises', nemesis: ['kill'], nemesisOptions: { kill: 'all' }, nemesisIntervalS: 5, timeLimitS: 20, rate: 300, out, quiet: true }, 'linearizable');
  }, 300_000);

  // Every node comes back knowing no chosen slot; the new leader, skipping phase 1, proposes from
  // slot 1 over chosen slots instead of learning them. Seeds 1 and 2 verified. Leader-only kills
  // catch it less surely in a short run (only the slots chosen since the last heartbeat are at stake).
  it('skip-phase1: a leader change after whole-cluster kills loses chosen values (invalid)', async () => {
    await caught({ db: 'paxos', workload: 'lin-kv', bug: 'skip-phase1', nemesis: ['kill'], nemesisOptions: { kill: 'all' }, nemesisIntervalS: 5, timeLimitS: 20, rate: 300, out, quiet: true }, 'linearizable');
  }, 300_000);

  // The same log serves Maelstrom's kafka requests: a correct node keeps every acknowledged send
  // under partitions and kills; with skip-phase1 a new leader writes over chosen slots, so offsets
  // are handed out twice and acknowledged sends vanish.
  it('kafka: valid under partitions and kills; skip-phase1 loses sends (invalid)', async () => {
    const good = await runTest({ db: 'paxos', workload: 'kafka', nemesis: ['partition', 'kill'], nemesisIntervalS: 3, timeLimitS: 10, seed: 1, out, quiet: true });
    expect(good.results.results?.kafka?.valid).toBe(true);
    await caught({ db: 'paxos', workload: 'kafka', bug: 'skip-phase1', nemesis: ['kill'], nemesisOptions: { kill: 'all' }, nemesisIntervalS: 5, timeLimitS: 20, out, quiet: true }, 'kafka');
  }, 300_000);
});

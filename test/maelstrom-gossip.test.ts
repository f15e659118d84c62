// Maelstrom's broadcast, g-set, g-counter and pn-counter workloads against a Python gossip CRDT
// (test/fixtures/maelstrom/gossip.py) under partitions. The correct node gossips its whole state
// only every 2 s (5 s for g-set), and still must be judged valid: the final reads wait 10 s after healing, as
// Maelstrom's do, and counters are judged on final reads only. The broken node (--bug no-retry)
// sends each update once, so partitions lose updates for good: invalid (within three seeds, test/seeds.ts).
import { fileURLToPath } from 'node:url';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import '../app/builtins.js';
import { runTest, type RunOutcome } from '../src/run.js';
import { caughtInvalid } from './seeds.js';

const GOSSIP = fileURLToPath(new URL('./fixtures/maelstrom/gossip.py', import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'faultline-maelstrom-gossip-'));

function run(workload: string, mode: string, o: { bug?: string; seed?: number; recoveryS?: number; nodes?: number; topology?: string; gossipS?: number } = {}): Promise<RunOutcome> {
  return runTest({
    bin: GOSSIP, workload, bug: o.bug, nemesis: ['partition'], nemesisIntervalS: 1, timeLimitS: 5, rate: 100, seed: o.seed ?? 2, out, quiet: true, nodes: o.nodes,
    quiesceS: o.recoveryS, dbOptions: { 'timeout-ms': '500', args: `${mode} ${o.gossipS ?? 2}` }, workloadOptions: o.topology ? { topology: o.topology } : {},
  });
}

const part = (o: RunOutcome, name: string): Record<string, unknown> => (o.results.results?.[name] ?? {}) as Record<string, unknown>;

describe('gossip CRDTs under Maelstrom workloads', () => {
  it('g-set: a correct CRDT gossiping every 5 s is valid after the default 10 s recovery wait', async () => {
    // With the old 3 s wait, final reads came before the next gossip round: "lost" elements.
    const o = await run('g-set', 'g-set', { gossipS: 5 });
    expect(part(o, 'set').lostCount ?? 0).toBe(0);
    expect(o.valid).toBe(true);
  }, 150_000);

  it('g-set: a node that sends each element once loses elements under partitions', async () => {
    const bad = await caughtInvalid((seed) => run('g-set', 'g-set', { bug: 'no-retry', recoveryS: 2, seed }));
    expect(part(bad, 'set').lostCount).toBeGreaterThan(0);
  }, 150_000);

  it('broadcast: topology messages reach every node; valid over a line, invalid without retries', async () => {
    const o = await run('broadcast', 'broadcast', { nodes: 4, topology: 'line' });
    expect(o.valid).toBe(true);
    const neighbours = (n: string): string => /neighbours: (.*)/.exec(readFileSync(join(o.dir, 'nodes', n, 'node.log'), 'utf8'))?.[1] ?? '(none)';
    expect(['n1', 'n2', 'n3', 'n4'].map(neighbours)).toEqual(['n2', 'n1,n3', 'n2,n4', 'n3']);
    await caughtInvalid((seed) => run('broadcast', 'broadcast', { bug: 'no-retry', recoveryS: 2, seed }));
  }, 180_000);

  it('pn-counter: the CRDT is valid on final reads (stale reads meanwhile are fine); lost deltas are invalid', async () => {
    const o = await run('pn-counter', 'counter');
    expect(o.valid).toBe(true);
    expect(part(o, 'counter').finalReadsAgree).toBe(true);
    await caughtInvalid((seed) => run('pn-counter', 'counter', { bug: 'no-retry', recoveryS: 2, seed }));
  }, 180_000);

  it('g-counter: valid', async () => {
    expect((await run('g-counter', 'counter', { seed: 3 })).valid).toBe(true);
  }, 150_000);
});

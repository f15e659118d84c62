// Maelstrom's kafka workload (send, poll, commit_offsets, list_committed_offsets) under
// partitions, on a Python node program (test/fixtures/maelstrom/kafka.py) and on the built-in
// Raft: a single-leader log and the Raft log are valid; nodes that each keep their own log
// (--bug local-log) and Raft acknowledging before replicating (--bug early-ack) are invalid, with
// the anomalies Maelstrom's kafka checker names: inconsistent offsets and lost writes (each bug
// within three seeds, test/seeds.ts).
import { fileURLToPath } from 'node:url';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import '../app/builtins.js';
import { readHistoryFile } from '../src/history-io.js';
import { runTest, type RunOptions, type RunOutcome } from '../src/run.js';
import { caughtInvalid } from './seeds.js';

const prog = fileURLToPath(new URL('./fixtures/maelstrom/kafka.py', import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'faultline-maelstrom-kafka-'));

function run(o: Partial<RunOptions>): Promise<RunOutcome> {
  return runTest({ workload: 'kafka', nemesis: ['partition'], nemesisIntervalS: 1, timeLimitS: 5, rate: 100, seed: 1, out, quiet: true, ...o });
}

interface Inconsistent { key: string; offset: number; ops: number[] }
const kafka = (o: RunOutcome) => o.results.results!.kafka as unknown as Record<string, unknown> & { counts: Record<string, number>; inconsistentOffsets: Inconsistent[]; lost: unknown[] };

describe('kafka workload on Maelstrom programs', () => {
  it('a single-leader log (kafka.py) is valid under partitions', async () => {
    const r = await run({ bin: prog, dbOptions: { 'timeout-ms': '500' } });
    const k = kafka(r);
    expect(r.valid, String(k.summary)).toBe(true);
    expect(r.test.db).toBe('maelstrom');
    expect(k.counts.sends).toBeGreaterThan(50);
    expect(k.counts.polls).toBeGreaterThan(20);
    expect(k.counts.commits).toBeGreaterThan(0);
  }, 150_000);

  it('nodes with their own logs (--bug local-log) are invalid: inconsistent offsets across nodes, lost writes', async () => {
    const r = await caughtInvalid((seed) => run({ bin: prog, bug: 'local-log', dbOptions: { 'timeout-ms': '500' }, seed }));
    const k = kafka(r);
    expect(k.counts['inconsistent-offsets']).toBeGreaterThan(0);
    expect(k.counts.lost).toBeGreaterThan(0);
    // Each node's own log is consistent: every offset named inconsistent was handed out or read
    // on two different nodes.
    const ops = readHistoryFile(join(r.dir, 'history.jsonl'));
    const nodeOf = (i: number) => ops.find((op) => op.index === i)?.node;
    for (const x of k.inconsistentOffsets) expect(new Set(x.ops.map(nodeOf)).size, JSON.stringify(x)).toBeGreaterThan(1);
  }, 150_000);

  it('the built-in raft serves kafka: valid under partitions, lost sends under --bug early-ack', async () => {
    const good = await run({ db: 'raft', nodes: 3 });
    expect(good.valid, String(kafka(good).summary)).toBe(true);
    expect(kafka(good).counts.sends).toBeGreaterThan(50);
    const bad = await caughtInvalid((seed) => run({ db: 'raft', nodes: 3, bug: 'early-ack', nemesis: ['partition', 'kill'], nemesisOptions: { kill: 'primaries', partition: 'primaries' }, seed }));
    expect(kafka(bad).counts.lost).toBeGreaterThan(0);
  }, 180_000);
});

// The built-in gossip cluster: the set and the counter converge on every node (also across a
// partition and a kill + restart), and --bug lose-updates loses acknowledged updates for good.
import { afterEach, describe, expect, it } from 'vitest';
import type { MaelstromDb } from '../src/maelstrom/db.js';
import type { Test } from '../src/protocols.js';
import { invokeOk, invokeOnce, isolate, startDb, waitFor } from './maelstrom-helpers.js';

let running: { db: MaelstromDb; test: Test } | undefined;
afterEach(async () => {
  await running?.db.teardown(running.test);
  running = undefined;
});

async function readsEverywhere(db: MaelstromDb, test: Test, workload: 'set' | 'counter'): Promise<unknown[]> {
  return Promise.all(test.nodes.map(async (n) => (await invokeOnce(db, test, workload, n, 'read', null)).value));
}

describe('gossip cluster', () => {
  it('converges the set on every node, across a partition and a kill + restart', async () => {
    running = await startDb('gossip', 3);
    const { db, test } = running;
    const [n1, n2] = test.nodes as [string, string, string];
    for (let e = 0; e < 12; e++) await invokeOk(db, test, 'set', test.nodes[e % 3]!, 'add', e);
    const all = Array.from({ length: 12 }, (_, i) => i);
    await waitFor('convergence', async () => (await readsEverywhere(db, test, 'set')).every((v) => JSON.stringify(v) === JSON.stringify(all)));

    await db.net!.partition(test, isolate(test.nodes, n1));
    await invokeOk(db, test, 'set', n1, 'add', 100);
    await new Promise((r) => setTimeout(r, 400));
    expect((await invokeOnce(db, test, 'set', n2, 'read', null)).value).not.toContain(100);
    await db.net!.heal(test);
    await waitFor('100 everywhere', async () => (await readsEverywhere(db, test, 'set')).every((v) => (v as number[]).includes(100)));

    // Acknowledged, then killed at once: the add was persisted before the ack.
    await invokeOk(db, test, 'set', n2, 'add', 200);
    await db.kill(test, n2);
    await db.start(test, n2);
    await waitFor('200 everywhere', async () => (await readsEverywhere(db, test, 'set')).every((v) => (v as number[]).includes(200)));
  });

  it('converges the PN-counter', async () => {
    running = await startDb('gossip', 3);
    const { db, test } = running;
    const deltas = [5, -2, 3, 7, -1];
    for (let i = 0; i < deltas.length; i++) await invokeOk(db, test, 'counter', test.nodes[i % 3]!, 'add', deltas[i]);
    await waitFor('counter convergence', async () => (await readsEverywhere(db, test, 'counter')).every((v) => v === 12));
  });

  it('with --bug lose-updates, some acknowledged elements are gone from every node for good', async () => {
    running = await startDb('gossip', 3, { bug: 'lose-updates' });
    const { db, test } = running;
    const acked: number[] = [];
    for (let e = 0; e < 48; e++) {
      const r = await invokeOnce(db, test, 'set', test.nodes[e % 3]!, 'add', e);
      if (r.type === 'ok') acked.push(e);
    }
    expect(acked).toHaveLength(48);
    await new Promise((r) => setTimeout(r, 1200));
    const reads = (await readsEverywhere(db, test, 'set')) as number[][];
    const missing = acked.filter((e) => reads.some((r) => !r.includes(e)));
    expect(missing.length).toBeGreaterThan(0);
    expect(missing.length).toBeLessThan(24);
    // Lost on every node, not merely late.
    for (const r of reads) for (const e of missing) expect(r).not.toContain(e);
  });
});

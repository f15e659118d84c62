// Clock faults reach etcd, a Go server that libfaketime cannot skew: under clockshift (the vDSO
// hidden, wall-clock system calls answered with the node's offset) the server's own clock moves.
// Evidence from the server itself: the Date header Go's net/http writes from time.Now() on every
// response, on the bumped node and on one that was not bumped, and after the reset.

import { beforeAll, describe, expect, it } from 'vitest';
import { fakeTest, leftovers, NODE_TOOLS_SETUP_MS, prepareNodeTools, testRunId } from './docker-helpers.js';
import { createDb } from '../src/plugin/plan.js';
import type { ContainerDb } from '../src/docker/container-db.js';
import '../app/builtins.js';

beforeAll(prepareNodeTools, NODE_TOOLS_SETUP_MS);

/** The node's own wall clock minus ours, in seconds (its Date header has 1 s resolution). */
async function skewS(db: ContainerDb<unknown>, node: string): Promise<number> {
  const e = db.endpoint(node);
  const before = Date.now();
  const r = await fetch(`http://${e.host}:${e.port}/version`);
  await r.text();
  const after = Date.now();
  const served = Date.parse(r.headers.get('date') ?? '');
  expect(Number.isFinite(served), `no Date header from ${node}`).toBe(true);
  return (served - (before + after) / 2) / 1000;
}

describe('clock faults on etcd (clockshift)', () => {
  it("a bump moves the server's own wall clock, on that node only, and reset puts it back", async () => {
    const db = createDb<ContainerDb<unknown>>('etcd', { dbOptions: {} }).db;
    expect(db.clock.supported).not.toBe(false);
    db.prepareFaults!(['clock'], {});
    const nodes = ['n1', 'n2', 'n3'];
    const test = fakeTest(db, nodes, testRunId('clock'));
    await db.setup(test);
    try {
      for (const n of nodes) expect(Math.abs(await skewS(db, n))).toBeLessThan(2);
      await db.clock.bump(test, 'n1', 3_600_000);
      // The offset file is re-read at most every 100 ms.
      await new Promise((r) => setTimeout(r, 300));
      expect(await skewS(db, 'n1')).toBeGreaterThan(3598);
      expect(await skewS(db, 'n1')).toBeLessThan(3602);
      expect(Math.abs(await skewS(db, 'n2'))).toBeLessThan(2);
      await db.clock.bump(test, 'n2', -7_200_000);
      await new Promise((r) => setTimeout(r, 300));
      expect(await skewS(db, 'n2')).toBeLessThan(-7198);
      // The cluster still serves with skewed members: etcd's timeouts run on the monotonic clock.
      const e = db.endpoint('n3');
      const put = await fetch(`http://${e.host}:${e.port}/v3/kv/put`, { method: 'POST', body: JSON.stringify({ key: 'YQ==', value: 'Yg==' }) });
      expect(put.status).toBe(200);
      await db.clock.reset(test, nodes);
      await new Promise((r) => setTimeout(r, 300));
      for (const n of nodes) expect(Math.abs(await skewS(db, n))).toBeLessThan(2);
    } finally {
      await db.teardown(test);
    }
    expect(await leftovers(test.runId)).toEqual([]);
  }, 150_000);
});

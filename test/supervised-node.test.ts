// A supervised node (the layout storage faults use: the server under faultline's supervisor, so
// it can die and restart while its container and mounts stay) survives many kill/restart cycles,
// each kill prompt. Regression: `node-ctl stop` killed the supervisor's own helpers (date, mv)
// while it recorded the server's exit, the state stayed "running" and the stop hung for 30 s.

import { beforeAll, describe, expect, it } from 'vitest';
import { fakeTest, leftovers, prepareDocker, testRunId } from './docker-helpers.js';
import { createDb } from '../src/plugin/plan.js';
import type { ContainerDb } from '../src/docker/container-db.js';
import '../app/builtins.js';
import { ensureNodeToolsImage } from '../src/docker/node-tools.js';

// The node-tools image (lazyfs, clockshift) takes a few minutes to build on a fresh machine.
beforeAll(async () => {
  await prepareDocker();
  await ensureNodeToolsImage();
}, 600_000);

describe('supervised nodes', () => {
  it('kill and restart the server alone, ten times in a row, each kill within a few seconds', async () => {
    const db = createDb<ContainerDb<unknown>>('etcd', { dbOptions: {} }).db;
    db.prepareFaults!(['corrupt'], {});
    const nodes = ['n1', 'n2', 'n3'];
    const test = fakeTest(db, nodes, testRunId('supervised'));
    await db.setup(test);
    try {
      for (let i = 0; i < 10; i++) {
        const node = nodes[i % 3]!;
        const t0 = Date.now();
        await db.kill(test, node);
        expect(Date.now() - t0, `kill ${i} of ${node}`).toBeLessThan(8000);
        const [r] = await db.storage.restart(test, [node], 30_000);
        expect(r!.outcome, JSON.stringify(r)).toBe('ready');
      }
    } finally {
      await db.teardown(test);
    }
    expect(await leftovers(test.runId)).toEqual([]);
  }, 150_000);
});

// A supervised node (the layout storage faults use: the server under faultline's supervisor, so
// it can die and restart while its container and mounts stay) survives kill/restart cycles,
// each kill prompt; and a kill takes the server's processes only, never another `docker exec`
// session running in the node (regression: `node-ctl stop` killed every process but tini, the
// supervisor and lazyfs, so also a concurrent exec, or the supervisor's own helpers while they
// recorded the server's exit; once a power-off's stop then hung for 30 s).

import { beforeAll, describe, expect, it } from 'vitest';
import { fakeTest, leftovers, NODE_TOOLS_SETUP_MS, prepareNodeTools, testRunId } from './docker-helpers.js';
import { createDb } from '../src/plugin/plan.js';
import type { ContainerDb } from '../src/docker/container-db.js';
import '../app/builtins.js';
import { execFileSync } from 'node:child_process';
import { connectDocker, RUN_LABEL } from '../src/docker/engine.js';

beforeAll(prepareNodeTools, NODE_TOOLS_SETUP_MS);

describe('supervised nodes', () => {
  it('kill and restart the server alone, six times in a row, each kill within a few seconds', async () => {
    const db = createDb<ContainerDb<unknown>>('etcd', { dbOptions: {} }).db;
    db.prepareFaults!(['corrupt'], {});
    const nodes = ['n1', 'n2', 'n3'];
    const test = fakeTest(db, nodes, testRunId('supervised'));
    await db.setup(test);
    try {
      const d = await connectDocker();
      const [n1] = await d.listContainers({ filters: JSON.stringify({ label: [`${RUN_LABEL}=${test.runId}`, 'faultline.node=n1'] }) });
      expect(n1).toBeDefined();
      execFileSync('docker', ['exec', '-d', n1!.Id, 'sleep', '77']);
      await db.kill(test, 'n1');
      const ps = execFileSync('docker', ['exec', n1!.Id, 'ps', '-e', '-o', 'args=']).toString();
      expect(ps).toContain('sleep 77');
      expect(ps).not.toMatch(/^etcd /m);
      expect((await db.storage.restart(test, ['n1'], 30_000))[0]!.outcome).toBe('ready');
      for (let i = 0; i < 6; i++) {
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

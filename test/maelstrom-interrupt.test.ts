// No node process survives faultline: on SIGINT/SIGTERM/SIGHUP outside a run, the cluster's
// registered cleanup (src/signals.ts) resumes and kills every node (also a paused one); if
// faultline is SIGKILLed, the running built-in nodes see their stdin close and exit by themselves
// (a paused one is left for `faultline sweep`: test/sweep-processes.test.ts).
import { describe, expect, it } from 'vitest';
import { alive, holdCluster, waitFor } from './maelstrom-helpers.js';

// Every node of the held cluster runs before the signal.
function started(pids: number[]): void {
  expect(pids).toHaveLength(3);
  expect(pids.every(alive)).toBe(true);
}

describe('node processes never outlive faultline', () => {
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    it(`${sig} kills every node, paused ones included`, async () => {
      const { holder, pids } = await holdCluster(['raft', '--pause-one']);
      started(pids);
      const exited = new Promise((r) => holder.once('exit', r));
      holder.kill(sig);
      await exited;
      await waitFor('all nodes gone', async () => pids.every((p) => !alive(p)), 3000);
    });
  }

  it('SIGKILL of faultline: nodes exit when their stdin closes', async () => {
    const { holder, pids } = await holdCluster(['gossip']);
    started(pids);
    holder.kill('SIGKILL');
    await waitFor('all nodes gone', async () => pids.every((p) => !alive(p)), 5000);
  });
});

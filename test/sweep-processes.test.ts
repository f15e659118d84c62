// `faultline sweep` and node processes. A run killed with SIGKILL while a node is paused leaves
// that node stopped (state T): it cannot see its stdin close. Sweep finds such nodes by the run
// label in their environment, resumes and kills them; without --run it leaves runs whose owner
// still lives alone, with --run it removes that run even so.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { faultline } from './cli-helpers.js';
import { alive, holdCluster, waitFor } from './maelstrom-helpers.js';


function state(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
  } catch {
    return undefined;
  }
}

describe('sweep and node processes', () => {
  it('removes the paused node of a SIGKILLed run, and only runs whose owner is gone', async () => {
    const started: Array<Awaited<ReturnType<typeof holdCluster>>> = [];
    try {
      const dead = await holdCluster(['raft', '--pause-one']);
      started.push(dead);
      const live = await holdCluster(['gossip', '--pause-one']);
      started.push(live);
      dead.holder.kill('SIGKILL');
      await new Promise((r) => dead.holder.once('exit', r));
      // The running nodes see their stdin close and exit; the paused one cannot.
      const paused = dead.pids[0]!;
      await waitFor('unpaused nodes gone', async () => dead.pids.slice(1).every((p) => !alive(p)), 8000);
      expect(state(paused)).toBe('T');

      const r = await faultline(['sweep']);
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/\b1 node process\(es\)/);
      expect(r.stderr).toMatch(new RegExp(`left \\d+ run\\(s\\) still in progress: .*${live.runId}`));
      await waitFor('the paused node gone', async () => !alive(paused), 5000);
      // The live run is untouched, its paused node included.
      expect(live.pids.every(alive)).toBe(true);
      expect(state(live.pids[0]!)).toBe('T');

      // --run removes a named run even while its owner runs.
      const named = await faultline(['sweep', '--run', live.runId]);
      expect(named.stdout, named.stdout + named.stderr).toMatch(/\b3 node process\(es\)/);
      await waitFor('the named run\'s nodes gone', async () => live.pids.every((p) => !alive(p)), 5000);
    } finally {
      for (const h of started) h.holder.kill('SIGKILL');
      for (const p of started.flatMap((h) => h.pids)) {
        try {
          process.kill(p, 'SIGCONT');
          process.kill(p, 'SIGKILL');
        } catch {
          // gone
        }
      }
    }
  });
});

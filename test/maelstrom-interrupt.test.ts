// No node process survives faultline: on SIGINT/SIGTERM/SIGHUP outside a run, the cluster's
// registered cleanup (src/signals.ts) resumes and kills every node (also a paused one); if
// faultline is SIGKILLed, the running built-in nodes see their stdin close and exit by themselves
// (a paused one is left for `faultline sweep`: test/sweep-processes.test.ts).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { alive, waitFor } from './maelstrom-helpers.js';

const HOLDER = fileURLToPath(new URL('./fixtures/hold-cluster.ts', import.meta.url));

async function holdCluster(args: string[]): Promise<{ holder: ReturnType<typeof spawn>; pids: number[] }> {
  const holder = spawn(process.execPath, ['--import', 'tsx', HOLDER, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    let buf = '';
    holder.stdout!.on('data', (c: Buffer) => {
      buf += c.toString();
      if (buf.includes('\n')) resolve(buf.split('\n')[0]!);
    });
    holder.once('exit', (code) => reject(new Error(`holder exited early with ${code}`)));
  });
  const pids = (JSON.parse(line) as { pids: number[] }).pids;
  expect(pids).toHaveLength(3);
  expect(pids.every(alive)).toBe(true);
  return { holder, pids };
}

describe('node processes never outlive faultline', () => {
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    it(`${sig} kills every node, paused ones included`, async () => {
      const { holder, pids } = await holdCluster(['raft', '--pause-one']);
      const exited = new Promise((r) => holder.once('exit', r));
      holder.kill(sig);
      await exited;
      await waitFor('all nodes gone', async () => pids.every((p) => !alive(p)), 3000);
    });
  }

  it('SIGKILL of faultline: nodes exit when their stdin closes', async () => {
    const { holder, pids } = await holdCluster(['gossip']);
    holder.kill('SIGKILL');
    await waitFor('all nodes gone', async () => pids.every((p) => !alive(p)), 5000);
  });
});

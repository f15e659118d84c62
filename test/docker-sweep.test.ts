// Cleanup after interrupted runs. `faultline sweep` after a hard-killed run: a child process starts a cluster and is killed
// with SIGKILL (no teardown can run); sweep --run then removes its containers, network and
// volumes, and nothing of the run remains. Without --run, sweep removes only runs whose owner
// process is gone (a paused container included) and leaves runs in progress alone. A SIGINTed
// run cleans up after itself.

import { beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { leftovers, prepareDocker, testRunId } from './docker-helpers.js';

const root = fileURLToPath(new URL('..', import.meta.url));

function startHolder(runId: string, fixture = 'hold-docker-cluster.ts', extra: string[] = []): Promise<ReturnType<typeof spawn>> {
  const child = spawn(process.execPath, ['--import', 'tsx', `test/fixtures/${fixture}`, runId, ...extra], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      if (out.includes('READY')) resolve(child);
    });
    child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
    child.on('exit', (code) => reject(new Error(`cluster holder exited (${code}) before READY: ${err}`)));
  });
}

beforeAll(prepareDocker);

describe('faultline sweep', () => {
  it('removes everything a SIGKILLed run left behind', async () => {
    const runId = testRunId('sweep');
    const child = await startHolder(runId);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const left = await leftovers(runId);
    expect(left.filter((l) => l.startsWith('container'))).toHaveLength(3);
    expect(left.filter((l) => l.startsWith('network'))).toHaveLength(1);
    expect(left.filter((l) => l.startsWith('volume'))).toHaveLength(3);

    const out = execFileSync(process.execPath, ['bin/faultline.js', 'sweep', '--run', runId], { cwd: root }).toString();
    expect(out).toMatch(/removed 3 container\(s\), 1 network\(s\), 3 volume\(s\)/);
    expect(await leftovers(runId)).toEqual([]);
    expect(execFileSync('iptables-save').toString()).not.toContain(`faultline:${runId}`);
    // A second sweep finds nothing.
    const again = execFileSync(process.execPath, ['bin/faultline.js', 'sweep', '--run', runId], { cwd: root }).toString();
    expect(again).toMatch(/removed 0 container\(s\), 0 network\(s\), 0 volume\(s\)/);
  });

  it('without --run removes only runs whose owner is gone, a paused node included', async () => {
    const deadId = testRunId('dead');
    const liveId = testRunId('live');
    let dead: ReturnType<typeof spawn> | undefined;
    let live: ReturnType<typeof spawn> | undefined;
    try {
      dead = await startHolder(deadId, 'hold-sleep-cluster.ts', ['--pause-one']);
      live = await startHolder(liveId, 'hold-sleep-cluster.ts', ['--pause-one']);
      const d = dead;
      d.kill('SIGKILL');
      await new Promise((r) => d.once('exit', r));
      expect((await leftovers(deadId)).filter((l) => l.startsWith('container'))).toHaveLength(2);
      const r = spawnSync(process.execPath, ['bin/faultline.js', 'sweep'], { cwd: root, encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      expect(await leftovers(deadId)).toEqual([]);
      expect((await leftovers(liveId)).length).toBe(5); // 2 containers, 2 volumes, 1 network
      expect(r.stderr).toContain(liveId);
      // The live run, paused node and all, tears itself down on SIGINT.
      const l = live;
      const exited = new Promise((res) => l.once('exit', res));
      l.kill('SIGINT');
      await exited;
      expect(await leftovers(liveId)).toEqual([]);
    } finally {
      if (live && live.exitCode === null && live.signalCode === null) live.kill('SIGKILL');
      dead?.kill('SIGKILL');
      // Whatever a failure left is this test's own: remove it by run id.
      for (const id of [deadId, liveId]) spawnSync(process.execPath, ['bin/faultline.js', 'sweep', '--run', id], { cwd: root });
    }
  });

  it('a run interrupted with SIGINT tears its cluster down itself', async () => {
    const runId = testRunId('sigint');
    const child = await startHolder(runId);
    expect((await leftovers(runId)).length).toBe(7);
    const code = await new Promise((r) => {
      child.once('exit', (c, sig) => r(c ?? sig));
      child.kill('SIGINT');
    });
    expect(code).toBe(130);
    expect(await leftovers(runId)).toEqual([]);
  });
});

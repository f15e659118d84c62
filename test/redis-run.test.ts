// `faultline run --db redis` against real redis-server 7.0 containers, the documented behaviours:
// with Sentinel, isolating the primary makes the failover discard acknowledged adds (replication is
// asynchronous), listed by the set checker; the same without faults is valid. Clock faults are
// refused with the reason. An existing deployment given by url is driven but never faulted. A
// SIGKILLed run leaves containers that `faultline sweep` removes. Nothing is left behind.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fakeTest, leftovers, prepareDocker, testRunId } from './docker-helpers.js';
import { faultlineRun, root, runAndClean, runDir } from './suite-run-helpers.js';
import { redisSystem } from '../dbs/redis/index.js';
import { ContainerDb } from '../src/docker/container-db.js';
import { redisSettings } from '../dbs/redis/settings.js';
import type { Test } from '../src/protocols.js';

beforeAll(prepareDocker);

const sentinel = ['--db', 'redis', '--db-option', 'topology=sentinel', '--workload', 'set'];

describe('faultline run --db redis', () => {
  it('sentinel: isolating the primary loses acknowledged adds, and the set checker lists them', async () => {
    // Only the primaries shape: every partition cuts the primary (with its Sentinel) off, and the
    // majority's Sentinels promote a replica while clients still write to the old primary.
    const r = await runAndClean([...sentinel, '--nemesis', 'partition', '--nemesis-option', 'partition=primaries', '--nemesis-interval', '6', '--time-limit', '20', '--seed', '1']);
    expect(r.code, r.out).toBe(1);
    const set = r.results!.results!.set!;
    expect(set.valid).toBe(false);
    expect((set.lost as unknown[]).length, r.out).toBeGreaterThan(0);
    expect(r.out).toMatch(/lost: \d+/);
  }, 300_000);

  it('sentinel without faults is valid', async () => {
    const r = await runAndClean([...sentinel, '--nemesis', 'none', '--time-limit', '5', '--seed', '1']);
    expect(r.code, r.out).toBe(0);
  }, 240_000);

  it('refuses clock faults with the reason, before starting anything', async () => {
    const r = await runAndClean([...sentinel, '--nemesis', 'clock', '--time-limit', '5']);
    expect(r.code).toBe(254);
    expect(r.out).toMatch(/--nemesis clock: db redis cannot skew nodes' clocks: redis-server 7\.0 deadlocks at start under libfaketime: jemalloc/);
    expect(r.dir).toBe('');
  }, 60_000);

  it('a SIGKILLed run leaves its containers, and faultline sweep removes them', async () => {
    const run = faultlineRun([...sentinel, '--nemesis', 'none', '--time-limit', '60']);
    // Wait until the run has its cluster (test.json names the run id), then kill it hard.
    let runId = '';
    for (let i = 0; i < 600 && !runId; i++) {
      await new Promise((res) => setTimeout(res, 200));
      const dir = runDir(run.out);
      // The run directory exists a moment before test.json is written in it.
      if (dir && existsSync(`${dir}/test.json`)) runId = readFileSync(`${dir}/test.json`, 'utf8').match(/"runId":\s*"([^"]+)"/)?.[1] ?? '';
    }
    expect(runId).not.toBe('');
    for (let i = 0; i < 300 && (await leftovers(runId)).filter((l) => l.startsWith('container')).length < 3; i++) await new Promise((res) => setTimeout(res, 200));
    run.kill('SIGKILL');
    await run.done;
    expect((await leftovers(runId)).length).toBeGreaterThan(0);
    execFileSync(process.execPath, ['bin/faultline.js', 'sweep', '--run', runId], { cwd: root });
    expect(await leftovers(runId)).toEqual([]);
  }, 180_000);
});

describe('an existing Redis primary given by url', () => {
  const db = new ContainerDb(redisSystem, redisSettings({ topology: 'single' }));
  let test: Test;
  beforeAll(async () => {
    test = fakeTest(db, ['n1'], testRunId('redis-ext'));
    await db.setup(test);
  }, 120_000);
  afterAll(async () => {
    await db.teardown(test);
    expect(await leftovers(test.runId)).toEqual([]);
  });

  it('is driven and judged, and faults on it are refused up front', async () => {
    const url = `redis://${db.endpoint('n1').host}:${db.endpoint('n1').port}`;
    const ok = await runAndClean(['--db', 'redis', '--db-option', `url=${url}`, '--workload', 'register', '--nemesis', 'none', '--time-limit', '5', '--seed', '2']);
    expect(ok.code, ok.out).toBe(0);
    for (const [nemesis, msg] of [['kill', /cannot kill and restart nodes/], ['partition', /cannot cut the network between nodes/], ['clock', /cannot skew nodes' clocks/]] as const) {
      const r = await runAndClean(['--db', 'redis', '--db-option', `url=${url}`, '--workload', 'register', '--nemesis', nemesis, '--time-limit', '5']);
      expect(r.code, r.out).toBe(254);
      expect(r.out).toMatch(msg);
      expect(r.out).toMatch(/db redis \(existing cluster\)/);
      expect(r.dir).toBe('');
    }
  }, 180_000);
});

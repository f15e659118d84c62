// `--db etcd --db-option endpoints=...`: a run against an etcd cluster that faultline did not
// start (here one this test starts in Docker and hands over by address). The run drives clients
// and judges the history, keeps its keys under its own prefix so two runs on one cluster do not
// see each other, refuses faults on nodes it does not control, and names an unreachable node.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDb } from '../src/plugin/plan.js';
import type { ContainerDb } from '../src/docker/container-db.js';
import '../app/builtins.js';
import { connectEtcd } from '../dbs/etcd/clients.js';
import type { Test } from '../src/protocols.js';
import { fakeTest, prepareDocker, testRunId } from './docker-helpers.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const nodes = ['n1', 'n2', 'n3'];
const db = createDb<ContainerDb<unknown>>('etcd', { dbOptions: {} }).db;
let test: Test;
let endpoints = '';

function run(args: string[]): { code: number | null; out: string; dir: string } {
  const out = mkdtempSync(join(tmpdir(), 'faultline-ext-'));
  const r = spawnSync(process.execPath, ['bin/faultline.js', 'run', '--db', 'etcd', '--quiet', '--out', out, ...args], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  const testDir = join(out, 'etcd-register');
  let dir = '';
  try {
    dir = join(testDir, readdirSync(testDir).filter((d) => d !== 'latest')[0]!);
  } catch {
    // no run directory: the run was refused before it started
  }
  return { code: r.status, out: `${r.stdout}\n${r.stderr}`, dir };
}

beforeAll(async () => {
  await prepareDocker();
  test = fakeTest(db, nodes, testRunId('external'));
  await db.setup(test);
  endpoints = nodes.map((n) => `${n}=http://${db.endpoint(n).host}:${db.endpoint(n).port}`).join(',');
});

afterAll(async () => {
  await db.teardown(test);
});

describe('an existing etcd cluster given by address', () => {
  it('runs a register test against it twice, each run in its own key namespace, both valid', async () => {
    const runIds: string[] = [];
    for (let i = 0; i < 2; i++) {
      const r = run(['--workload', 'register', '--nemesis', 'none', '--time-limit', '4', '--db-option', `endpoints=${endpoints}`]);
      expect(r.code, r.out).toBe(0);
      const info = JSON.parse(readFileSync(join(r.dir, 'test.json'), 'utf8')) as { runId: string; nodes: string[] };
      expect(info.nodes).toEqual(nodes);
      runIds.push(info.runId);
    }
    // Each run's keys are under faultline/<run id>/, and nothing else was written.
    const c = connectEtcd(`http://${db.endpoint('n1').host}:2379`, 3000);
    try {
      const keys = (await c.getAll().keys()).map(String);
      expect(keys.length).toBeGreaterThan(0);
      for (const k of keys) expect(runIds.some((id) => k.startsWith(`faultline/${id}/register/`)), k).toBe(true);
      for (const id of runIds) expect(keys.some((k) => k.startsWith(`faultline/${id}/`))).toBe(true);
    } finally {
      c.close();
    }
  });

  it('refuses faults on nodes it does not control, before running anything', () => {
    const r = run(['--workload', 'register', '--nemesis', 'kill', '--time-limit', '2', '--db-option', `endpoints=${endpoints}`]);
    expect(r.code).toBe(254);
    expect(r.out).toMatch(/--nemesis kill: db etcd \(existing cluster\) cannot kill and restart nodes/);
  });

  it('names an unreachable node and its address, and exits non-zero', () => {
    // A closed port on loopback: refused at once, no traffic leaves the machine.
    const r = run(['--workload', 'register', '--nemesis', 'none', '--time-limit', '2', '--db-option', `endpoints=${endpoints},n4=http://127.0.0.1:59999`]);
    expect(r.code).toBe(254);
    expect(r.out).toMatch(/node n4: etcd at http:\/\/127\.0\.0\.1:59999 does not answer or is not healthy \(ECONNREFUSED\)/);
  });
});

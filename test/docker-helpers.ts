// Helpers for the Docker integration tests: a minimal Test for driving a Db directly, and
// resource listings by run label to prove nothing is left behind. Tests fail (never skip) when
// no engine answers, with the message saying how to start one.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Db, Test } from '../src/protocols.js';
import { createRng } from '../src/rng.js';
import { connectDocker, RUN_LABEL } from '../src/docker/engine.js';

export function testRunId(prefix: string): string {
  return `t-${prefix}-${process.pid}-${Date.now().toString(36)}`;
}

/** A Test good enough for a Db's setup/teardown and clients outside the run controller. */
export function fakeTest(db: Db, nodes: string[], runId: string): Test {
  const t0 = process.hrtime.bigint();
  return {
    name: runId,
    db: db.name,
    dbImpl: db,
    workload: 'none',
    nemesis: [],
    nodes,
    concurrency: nodes.length,
    seed: 1,
    timeLimitS: 10,
    rate: 10,
    dbOptions: {},
    startedAt: new Date().toISOString(),
    versions: {},
    dir: mkdtempSync(join(tmpdir(), 'faultline-test-')),
    runId,
    rng: createRng(1),
    log: { info: () => {}, warn: (m) => process.stderr.write(`${m}\n`) },
    now: () => Number(process.hrtime.bigint() - t0),
    signal: new AbortController().signal,
  };
}

/** Everything Docker still holds for a run: containers, networks, volumes. */
export async function leftovers(runId: string): Promise<string[]> {
  const d = await connectDocker();
  const filters = JSON.stringify({ label: [`${RUN_LABEL}=${runId}`] });
  const cs = await d.listContainers({ all: true, filters });
  const ns = await d.listNetworks({ filters });
  const vs = (await d.listVolumes({ filters })).Volumes ?? [];
  return [...cs.map((c) => `container ${c.Names[0]}`), ...ns.map((n) => `network ${n.Name}`), ...vs.map((v) => `volume ${v.Name}`)];
}

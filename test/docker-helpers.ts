// Helpers for the Docker integration tests: a minimal Test for driving a Db directly, and
// resource listings by run label to prove nothing is left behind. Tests fail (never skip) when
// no engine answers, with the message saying how to start one.

import { mkdtempSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Db, Test } from '../src/protocols.js';
import { createRng } from '../src/rng.js';
import { connectDocker, RUN_LABEL } from '../src/docker/engine.js';
import { ensureNodeToolsImage } from '../src/docker/node-tools.js';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * Makes sure an engine runs and the images are built, as CI needs on a machine with only Node:
 * `docker/setup-engine.sh` (installs and starts Docker when it is missing) and `images build`
 * (cached: instant when the recipes did not change), serialised across test files by a lock.
 * Any failure throws with the script's output, so Docker tests fail loudly, never skip.
 * FAULTLINE_NO_DOCKER_SETUP=1 leaves the machine alone (the tests then need a running engine).
 */
export async function prepareDocker(): Promise<void> {
  if (!process.env.FAULTLINE_NO_DOCKER_SETUP) {
    try {
      execFileSync('flock', ['-o', '/tmp/faultline-docker-setup.lock', 'sh', '-c', `bash docker/setup-engine.sh && "${process.execPath}" --import tsx test/fixtures/build-images.ts`], {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: 170_000,
      });
    } catch (e) {
      const err = e as { stdout?: Buffer; stderr?: Buffer; message: string };
      throw new Error(`Docker is needed for this test and could not be prepared: ${err.message}\n${err.stdout ?? ''}${err.stderr ?? ''}`);
    }
  }
  await connectDocker();
}

/**
 * prepareDocker, then the node-tools image (lazyfs, clockshift), which takes a few minutes to
 * build on a fresh machine: for `beforeAll(prepareNodeTools, NODE_TOOLS_SETUP_MS)`.
 */
export async function prepareNodeTools(): Promise<void> {
  await prepareDocker();
  await ensureNodeToolsImage();
}
export const NODE_TOOLS_SETUP_MS = 600_000;

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

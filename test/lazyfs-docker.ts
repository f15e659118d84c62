// Container half of the lazyfs test: builds docker/lazyfs-test/lazyfs-test.Dockerfile (multi-stage:
// compiler in the build stage only) with docker/ as context, cached by a hash of the recipe,
// the lazyfs sources and the base image; runs the scenario in a container that gets /dev/fuse and
// CAP_SYS_ADMIN only; removes the container and reports anything its run label left behind.

import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type Docker from 'dockerode';
import { connectDocker, LABEL, RUN_LABEL } from '../src/docker/engine.js';
import { ensureBaseImage, recipeHash, RECIPES_DIR } from '../src/docker/images.js';
import { execIn } from '../src/docker/exec.js';
import { leftovers, prepareDocker, testRunId } from './docker-helpers.js';
import { LAZYFS_SRC } from './lazyfs-helpers.js';
import type { Tree } from './fixtures/lazyfs-expected.js';

const RECIPE = join(RECIPES_DIR, 'lazyfs-test');
const DOCKERFILE = 'lazyfs-test/lazyfs-test.Dockerfile';

/** Context files relative to docker/: the recipe and the lazyfs sources (no local build output). */
async function contextFiles(): Promise<string[]> {
  const out = [DOCKERFILE];
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile() && !e.name.endsWith('.o') && !(d === LAZYFS_SRC && e.name === 'lazyfs')) out.push(relative(RECIPES_DIR, p));
    }
  };
  await walk(LAZYFS_SRC);
  return out;
}

function follow(d: Docker, stream: NodeJS.ReadableStream): Promise<void> {
  return new Promise((resolve, reject) => {
    d.modem.followProgress(stream, (err: Error | null, res: Array<{ error?: string }>) => {
      const failed = res?.find((r) => r.error);
      if (err || failed) reject(err ?? new Error(failed!.error));
      else resolve();
    });
  });
}

export async function buildLazyfsTestImage(): Promise<string> {
  await prepareDocker();
  const d = await connectDocker();
  const base = process.env.FAULTLINE_BASE_IMAGE ?? (await ensureBaseImage());
  const hash = await recipeHash(LAZYFS_SRC, `${await recipeHash(RECIPE)} base=${base}`);
  const ref = `faultline/lazyfs-test:${hash}`;
  try {
    await d.getImage(ref).inspect();
    return ref;
  } catch {
    // not built yet
  }
  const stream = await d.buildImage(
    { context: RECIPES_DIR, src: await contextFiles() },
    { t: ref, dockerfile: DOCKERFILE, buildargs: { BASE: base }, labels: { [LABEL]: '1' }, rm: true, forcerm: true },
  );
  await follow(d, stream);
  return ref;
}

export interface ContainerRun {
  result: { before: Tree; after: Tree; status_after: Record<string, string> };
  noCompiler: boolean;
  leftovers: string[];
}

export async function runScenarioInContainer(image: string): Promise<ContainerRun> {
  const d = await connectDocker();
  const runId = testRunId('lazyfs');
  const c = await d.createContainer({
    Image: image,
    Cmd: ['sleep', 'infinity'],
    Labels: { [LABEL]: '1', [RUN_LABEL]: runId },
    HostConfig: {
      Devices: [{ PathOnHost: '/dev/fuse', PathInContainer: '/dev/fuse', CgroupPermissions: 'rwm' }],
      CapAdd: ['SYS_ADMIN'],
      // Docker's default AppArmor profile forbids mount(2); only where AppArmor is enabled.
      SecurityOpt: existsSync('/sys/kernel/security/apparmor') ? ['apparmor=unconfined'] : [],
    },
  });
  let result: ContainerRun['result'];
  let noCompiler: boolean;
  try {
    await c.start();
    const cc = await execIn(c, ['sh', '-c', 'command -v gcc cc || true'], 20_000);
    noCompiler = cc.stdout.trim() === '';
    const r = await execIn(
      c,
      ['sh', '-c', 'mkdir -p /store /data && lazyfs /store /data && python3 /usr/local/lib/faultline/lazyfs-check.py scenario /data'],
      180_000,
    );
    if (r.exitCode !== 0) throw new Error(`scenario in container failed (exit ${r.exitCode}): ${r.stderr}`);
    result = JSON.parse(r.stdout) as ContainerRun['result'];
  } finally {
    // The mount lives in the container's mount namespace: removing the container removes it.
    await c.remove({ force: true });
  }
  return { result, noCompiler, leftovers: await leftovers(runId) };
}

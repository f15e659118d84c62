// Container images without a registry: a Debian base made with debootstrap and `docker import`,
// and one image per system built from docker/<system>/Dockerfile on top of it. Images are tagged
// and labelled with a hash of their recipe, so they are built once and rebuilt only when the
// recipe (or the base under it) changes. On a remote engine the base is imported through the API
// (the debootstrap tarball streams over the engine connection); a system image is built on this
// machine's engine when one answers and loaded into the remote one (`docker save | docker load`
// through the API), else built on the remote engine itself.

import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawn } from 'node:child_process';
import type Docker from 'dockerode';
import { FaultlineError } from '../errors.js';
import { connectDocker, docker, dockerError, engineTarget, isRemoteEngine, LABEL, localDocker, RECIPE_LABEL } from './engine.js';
import { withBuildLock } from './build-lock.js';

/** docker/ at the repository root: recipes live there. */
export const RECIPES_DIR = fileURLToPath(new URL('../../docker/', import.meta.url));

export interface ImageLog {
  info(msg: string): void;
}
const quiet: ImageLog = { info: () => {} };

export interface BuildOptions {
  /** Rebuild even if an image with the recipe's hash exists. */
  force?: boolean;
  log?: ImageLog;
  /**
   * Base image for system images. Default: faultline's debootstrap base (built if needed).
   * With a registry, e.g. 'debian:bookworm-slim' (env FAULTLINE_BASE_IMAGE).
   */
  base?: string;
  /** The engine to build on (default: the configured one). */
  engine?: Docker;
}

/** sha256 over every file of a recipe directory (paths and contents), 12 hex digits. */
export async function recipeHash(dir: string, extra = ''): Promise<string> {
  const h = createHash('sha256');
  const walk = async (d: string): Promise<void> => {
    const entries = (await readdir(d, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile() && !e.name.endsWith('.test.ts')) {
        h.update(relative(dir, p)).update('\0').update(await readFile(p)).update('\0');
      }
    }
  };
  await walk(dir);
  h.update(extra);
  return h.digest('hex').slice(0, 12);
}

/** Systems with a recipe: directories of docker/ holding a Dockerfile. */
export async function systems(): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(RECIPES_DIR, { withFileTypes: true })) {
    if (e.isDirectory() && existsSync(join(RECIPES_DIR, e.name, 'Dockerfile'))) out.push(e.name);
  }
  return out.sort();
}

async function imageExists(d: Docker, ref: string): Promise<boolean> {
  try {
    await d.getImage(ref).inspect();
    return true;
  } catch {
    return false;
  }
}

/** The reference of faultline's base image for the current recipe (built or not). */
export async function baseImageRef(): Promise<string> {
  return `faultline/base:${await recipeHash(join(RECIPES_DIR, 'base'))}`;
}

/** Builds (or finds) faultline's registry-free Debian base image; returns its reference. */
export async function ensureBaseImage(opts: BuildOptions = {}): Promise<string> {
  const log = opts.log ?? quiet;
  const d = opts.engine ?? (await connectDocker());
  const ref = await baseImageRef();
  const hash = ref.slice('faultline/base:'.length);
  const dir = join(RECIPES_DIR, 'base');
  if (!opts.force && (await imageExists(d, ref))) return ref;
  return withBuildLock(lockKey(d, ref), async () => {
    // Another process may have built it while this one waited for the lock.
    if (!opts.force && (await imageExists(d, ref))) return ref;
    return buildBase(d, dir, hash, ref, log);
  });
}

async function buildBase(d: Docker, dir: string, hash: string, ref: string, log: ImageLog): Promise<string> {
  if (!(await commandExists('debootstrap'))) {
    throw new FaultlineError('DOCKER', 'debootstrap is needed to build the base image without a registry; run `bash docker/setup-engine.sh` or set FAULTLINE_BASE_IMAGE=debian:bookworm-slim', ref);
  }
  log.info(`building base image ${ref} (debootstrap, about 30 s)`);
  const work = await mkdtemp(join(tmpdir(), 'faultline-base-'));
  try {
    const child = spawn('bash', [join(dir, 'build-rootfs.sh'), work], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const exited = new Promise<number>((res) => child.on('close', (code) => res(code ?? 1)));
    const changes = [`LABEL ${LABEL}=1`, `LABEL ${RECIPE_LABEL}=${hash}`, 'CMD ["/bin/bash"]'];
    // The engine reads the tar stream while debootstrap's output is produced.
    const imported = d.importImage(child.stdout, { repo: 'faultline/base', tag: hash, changes } as object);
    const [code, stream] = await Promise.all([exited, imported]);
    await followProgress(d, stream as NodeJS.ReadableStream);
    if (code !== 0) throw new FaultlineError('DOCKER', `base image recipe failed (exit ${code}): ${stderr.trim().slice(-2000)}`, ref);
    if (!(await imageExists(d, ref))) throw new FaultlineError('DOCKER', 'docker import did not produce the image', ref);
  } catch (e) {
    throw dockerError('building the base image', e, ref);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  log.info(`built ${ref}`);
  return ref;
}

/** Builds (or finds) the image for one system (docker/<system>/Dockerfile); returns its reference. */
export async function ensureSystemImage(system: string, opts: BuildOptions = {}): Promise<string> {
  const dir = join(RECIPES_DIR, system);
  if (!existsSync(join(dir, 'Dockerfile'))) {
    throw new FaultlineError('UNSUPPORTED', `no image recipe for system '${system}' (expected ${join(dir, 'Dockerfile')})`, '--system');
  }
  return ensureImage(system, dir, opts);
}

/**
 * Builds (or finds) `faultline/<name>:<hash>` from a recipe directory holding a Dockerfile whose
 * `ARG BASE` is faultline's base image; the hash covers every file of the recipe and the base.
 */
export async function ensureImage(name: string, dir: string, opts: BuildOptions = {}): Promise<string> {
  const log = opts.log ?? quiet;
  const d = opts.engine ?? (await connectDocker());
  const base = opts.base ?? process.env.FAULTLINE_BASE_IMAGE ?? (await baseImageRef());
  const hash = await recipeHash(dir, `base=${base}`);
  const ref = `faultline/${name}:${hash}`;
  if (!opts.force && (await imageExists(d, ref))) return ref;
  const here = opts.engine ? undefined : await localDocker();
  if (here) {
    // Built (or found) on this machine's engine under its own lock, then shipped under the remote one's.
    await ensureImage(name, dir, { ...opts, engine: here });
    return withBuildLock(lockKey(d, ref), async () => {
      if (!opts.force && (await imageExists(d, ref))) return ref;
      log.info(`loading ${ref} into the engine at ${engineTarget().url}`);
      await transferImage(here, d, ref);
      log.info(`loaded ${ref}`);
      return ref;
    });
  }
  if (!opts.base && !process.env.FAULTLINE_BASE_IMAGE) await ensureBaseImage({ ...opts, engine: d });
  return withBuildLock(lockKey(d, ref), async () => {
    if (!opts.force && (await imageExists(d, ref))) return ref;
    return buildImage(d, name, dir, base, hash, ref, log);
  });
}

/** Build locks are per engine: a remote engine's image is not this machine's. */
function lockKey(d: Docker, ref: string): string {
  return isRemoteEngine() && d === docker() ? `${engineTarget().url} ${ref}` : ref;
}

function buildShares(): { cpushares?: number } {
  const n = Number(process.env.FAULTLINE_BUILD_CPU_SHARES);
  return Number.isInteger(n) && n >= 2 ? { cpushares: n } : {};
}

async function buildImage(d: Docker, name: string, dir: string, base: string, hash: string, ref: string, log: ImageLog): Promise<string> {
  log.info(`building image ${ref} from ${base}`);
  const files = await listFiles(dir);
  try {
    const stream = await d.buildImage(
      { context: dir, src: files },
      // FAULTLINE_BUILD_CPU_SHARES (CI's background prebuild): build containers yield the CPU
      // to the test clusters running meanwhile (the default share is 1024).
      { t: ref, buildargs: { BASE: base }, labels: { [LABEL]: '1', [RECIPE_LABEL]: hash }, rm: true, forcerm: true, ...buildShares() },
    );
    await followProgress(d, stream);
  } catch (e) {
    throw dockerError(`building image for ${name}`, e, ref);
  }
  log.info(`built ${ref}`);
  return ref;
}

/** Copies an image from one engine to another through their APIs (save, then load). */
export async function transferImage(from: Docker, to: Docker, ref: string): Promise<void> {
  try {
    const tar = (await from.getImage(ref).get()) as NodeJS.ReadableStream;
    const stream = (await to.loadImage(tar as never, { quiet: true })) as NodeJS.ReadableStream;
    await followProgress(to, stream);
  } catch (e) {
    throw dockerError(`loading ${ref} into ${engineTarget().url}`, e, ref);
  }
  if (!(await imageExists(to, ref))) throw new FaultlineError('DOCKER', `the engine at ${engineTarget().url} did not keep the loaded image`, ref);
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if ((await stat(p)).isFile()) out.push(relative(dir, p));
    }
  };
  await walk(dir);
  return out;
}

/** Drains a build/import progress stream; an `error` event in it becomes an exception. */
function followProgress(d: Docker, stream: NodeJS.ReadableStream): Promise<void> {
  return new Promise((resolve, reject) => {
    const tail: string[] = [];
    d.modem.followProgress(
      stream,
      (err: Error | null) => (err ? reject(err) : resolve()),
      (ev: { stream?: string; error?: string; errorDetail?: { message?: string } }) => {
        if (ev.stream) tail.push(ev.stream), tail.length > 40 && tail.shift();
        if (ev.error) reject(new Error(`${ev.errorDetail?.message ?? ev.error}\n${tail.join('')}`));
      },
    );
  });
}

function commandExists(cmd: string): Promise<boolean> {
  return new Promise((res) => {
    const c = spawn('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    c.on('close', (code) => res(code === 0));
    c.on('error', () => res(false));
  });
}

// The tools a node needs for storage and clock faults, put into its container when it is created
// (so every system image works as it is, hand-written or generated): lazyfs and clockshift (C,
// built statically once per source hash in the node-tools image, docker/node-tools/), and the
// supervisor and its control script (sh, docker/common/node/). All go to NODE_TOOLS_DIR.

import { existsSync, readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { createHash } from 'node:crypto';
import type Docker from 'dockerode';
import { FaultlineError } from '../errors.js';
import { connectDocker, dockerError, LABEL, localDocker, RECIPE_LABEL, RUN_LABEL } from './engine.js';
import { ensureBaseImage, RECIPES_DIR, type BuildOptions } from './images.js';
import { untarAll } from './tar.js';
import { withBuildLock } from './build-lock.js';

/** Where the tools live inside a node. */
export const NODE_TOOLS_DIR = '/usr/local/lib/faultline';
export const SUPERVISE = `${NODE_TOOLS_DIR}/supervise`;
export const NODE_CTL = `${NODE_TOOLS_DIR}/node-ctl`;
export const LAZYFS = `${NODE_TOOLS_DIR}/lazyfs`;
export const CLOCKSHIFT = `${NODE_TOOLS_DIR}/clockshift`;

const DOCKERFILE = 'node-tools/node-tools.Dockerfile';
const SOURCES = ['common/lazyfs', 'common/clockshift'];
const SCRIPTS = { supervise: 'common/node/supervise.sh', 'node-ctl': 'common/node/node-ctl.sh' } as const;

/** Build context files relative to docker/: the recipe and the C sources (never local build output). */
async function contextFiles(): Promise<string[]> {
  const out = [DOCKERFILE];
  const walk = async (d: string): Promise<void> => {
    for (const e of (await readdir(d, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(d, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'tests') await walk(p);
      } else if (e.isFile() && /\.(c|h)$|^Makefile$/.test(e.name)) out.push(relative(RECIPES_DIR, p));
    }
  };
  for (const s of SOURCES) await walk(join(RECIPES_DIR, s));
  return out;
}

function followBuild(d: Docker, stream: NodeJS.ReadableStream): Promise<void> {
  return new Promise((resolve, reject) => {
    const tail: string[] = [];
    d.modem.followProgress(
      stream,
      (err: Error | null) => (err ? reject(err) : resolve()),
      (ev: { stream?: string; error?: string }) => {
        if (ev.stream) tail.push(ev.stream), tail.length > 40 && tail.shift();
        if (ev.error) reject(new Error(`${ev.error}\n${tail.join('')}`));
      },
    );
  });
}

/** Builds (or finds) the node-tools image; returns its reference. */
export async function ensureNodeToolsImage(opts: BuildOptions = {}): Promise<string> {
  const d = opts.engine ?? (await connectDocker());
  const base = opts.base ?? process.env.FAULTLINE_BASE_IMAGE ?? (await ensureBaseImage(opts));
  const files = await contextFiles();
  const h = createHash('sha256').update(`base=${base}\0`);
  for (const f of files) h.update(f).update('\0').update(readFileSync(join(RECIPES_DIR, f))).update('\0');
  const hash = h.digest('hex').slice(0, 12);
  const ref = `faultline/node-tools:${hash}`;
  const exists = () => d.getImage(ref).inspect().then(() => true, () => false);
  if (!opts.force && (await exists())) return ref;
  // One build at a time across processes (CI prebuilds images while tests run).
  await withBuildLock(ref, async () => {
    if (!opts.force && (await exists())) return;
    opts.log?.info(`building ${ref} (lazyfs, clockshift)`);
    try {
      const stream = await d.buildImage(
        { context: RECIPES_DIR, src: files },
        { t: ref, dockerfile: DOCKERFILE, buildargs: { BASE: base }, labels: { [LABEL]: '1', [RECIPE_LABEL]: hash }, rm: true, forcerm: true },
      );
      await followBuild(d, stream);
    } catch (e) {
      throw dockerError('building the node tools (lazyfs, clockshift)', e, ref);
    }
  });
  return ref;
}

let cached: Promise<Record<string, Buffer>> | undefined;

/**
 * The files to put into a node, path → content (all executable): the two binaries copied out of
 * the node-tools image (a container is created, read and removed), and the two scripts.
 */
export function nodeTools(opts: BuildOptions = {}): Promise<Record<string, Buffer>> {
  cached ??= (async () => {
    // The binaries are copied into nodes, so with a remote engine they are built on this machine's
    // engine when it has one of the same architecture (localDocker), where apt is known to work.
    const d = (await localDocker()) ?? (await connectDocker());
    const ref = await ensureNodeToolsImage({ ...opts, engine: d });
    // Labelled as a run of its own, so `faultline sweep` removes it if we are killed meanwhile.
    const c = await d.createContainer({ Image: ref, Labels: { [LABEL]: '1', [RUN_LABEL]: 'node-tools' }, Cmd: ['true'] });
    const out: Record<string, Buffer> = {};
    try {
      const archive = (await c.getArchive({ path: '/out/.' })) as NodeJS.ReadableStream;
      const chunks: Buffer[] = [];
      for await (const chunk of archive) chunks.push(chunk as Buffer);
      for (const f of untarAll(Buffer.concat(chunks))) {
        const name = f.path.split('/').pop()!;
        if (name === 'lazyfs' || name === 'clockshift') out[`${NODE_TOOLS_DIR}/${name}`] = Buffer.from(f.data);
      }
    } finally {
      await c.remove({ force: true }).catch(() => undefined);
    }
    if (!out[LAZYFS] || !out[CLOCKSHIFT]) throw new FaultlineError('DOCKER', `the node-tools image lacks lazyfs or clockshift (found: ${Object.keys(out).join(', ') || 'nothing'})`, ref);
    for (const [name, path] of Object.entries(SCRIPTS)) {
      const p = join(RECIPES_DIR, path);
      if (!existsSync(p)) throw new FaultlineError('INTERNAL', `missing ${p}`);
      out[`${NODE_TOOLS_DIR}/${name}`] = readFileSync(p);
    }
    return out;
  })();
  cached.catch(() => (cached = undefined));
  return cached;
}

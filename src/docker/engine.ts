// The connection to the Docker engine (dockerode): one shared client, a version check, and
// the labels every faultline resource carries so `faultline sweep` can find what a run left.

import type Docker from 'dockerode';
import { createRequire } from 'node:module';
import { FaultlineError } from '../errors.js';

/** Every container, network, volume and image faultline creates carries this label ("1"). */
export const LABEL = 'faultline';
/** The run a resource belongs to. */
export const RUN_LABEL = 'faultline.run';
/** The process that owns the run (src/owner.ts token): sweep leaves runs whose owner still runs. */
export const OWNER_LABEL = 'faultline.owner';
/** The node a container or volume belongs to. */
export const NODE_LABEL = 'faultline.node';
/** Hash of the recipe an image was built from (images are cached by it). */
export const RECIPE_LABEL = 'faultline.recipe';

/** The oldest engine API we drive (Debian 12's docker.io 20.10 speaks 1.41). */
const MIN_API = [1, 41] as const;

let shared: Docker | undefined;
let checked: Promise<Docker> | undefined;

function socketPath(): string | undefined {
  const host = process.env.DOCKER_HOST;
  if (!host) return '/var/run/docker.sock';
  if (host.startsWith('unix://')) return host.slice('unix://'.length);
  return undefined; // tcp:// and friends: dockerode reads DOCKER_HOST itself
}

/** The dockerode client, unchecked (use `connectDocker` before the first real call). */
export function docker(): Docker {
  if (!shared) {
    // Loaded on first use: dockerode costs half a second at start-up, which runs that never
    // touch Docker (the built-in targets, `check`) should not pay.
    const Docker = createRequire(import.meta.url)('dockerode') as typeof import('dockerode');
    const sp = socketPath();
    shared = sp ? new Docker({ socketPath: sp }) : new Docker();
  }
  return shared;
}

/**
 * Connects and checks the engine answers with a recent enough API. A missing engine is a
 * FaultlineError 'DOCKER' that says how to get one, not a raw ECONNREFUSED.
 */
export function connectDocker(): Promise<Docker> {
  checked ??= (async () => {
    const d = docker();
    let version: Docker.DockerVersion;
    try {
      version = await d.version();
    } catch (e) {
      checked = undefined;
      const detail = (e as Error)?.message ?? String(e);
      throw new FaultlineError(
        'DOCKER',
        `no Docker engine answers (${detail}); install and start one with \`bash docker/setup-engine.sh\``,
        process.env.DOCKER_HOST ?? '/var/run/docker.sock',
      );
    }
    const [maj, min] = (version.ApiVersion ?? '0.0').split('.').map(Number);
    if ((maj ?? 0) < MIN_API[0] || ((maj ?? 0) === MIN_API[0] && (min ?? 0) < MIN_API[1])) {
      checked = undefined;
      throw new FaultlineError('DOCKER', `Docker engine API ${version.ApiVersion} is too old; need ${MIN_API.join('.')} or newer`);
    }
    return d;
  })();
  return checked;
}

/** A name docker accepts for containers/networks/volumes: [a-zA-Z0-9][a-zA-Z0-9_.-]*. */
export function dockerName(...parts: string[]): string {
  return parts
    .join('-')
    .replace(/[^a-zA-Z0-9_.-]/g, '-')
    .replace(/^[^a-zA-Z0-9]+/, '')
    .slice(0, 120);
}

/** True when a dockerode error is a 404 (already gone) or 304 (already in that state). */
export function isGoneOrUnchanged(e: unknown): boolean {
  const code = (e as { statusCode?: number })?.statusCode;
  return code === 404 || code === 304;
}

/** Wraps an engine error as FaultlineError('DOCKER') naming what was being done. */
export function dockerError(what: string, e: unknown, where?: string): FaultlineError {
  if (e instanceof FaultlineError) return e;
  const msg = (e as { json?: { message?: string } })?.json?.message ?? (e as Error)?.message ?? String(e);
  return new FaultlineError('DOCKER', `${what}: ${msg}`, where);
}

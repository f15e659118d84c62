// The connection to the Docker engine (dockerode): the local socket, or a remote engine over tcp
// (TLS) or ssh (engine-target.ts), one shared client, a version check, and the labels every faultline resource carries so `faultline sweep` can find what a run left.

import type Docker from 'dockerode';
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { FaultlineError } from '../errors.js';
import type { SshAuth } from '../ssh/connection.js';
import { DEFAULT_SOCKET, isRemote, readTls, resolveTarget, type EngineTarget } from './engine-target.js';
import { SshEngineAgent } from './ssh-engine.js';

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
let sharedAgent: SshEngineAgent | undefined;
let checked: Promise<Docker> | undefined;
let config: EngineOptions = {};
let target: EngineTarget | undefined;

/** How to reach the engine: `--docker-host` and the SSH flags, from the CLI. */
export interface EngineOptions {
  /** unix://, tcp:// or ssh:// URL; else DOCKER_HOST, else the local socket. */
  host?: string;
  /** For ssh:// engines (the user in the URL wins over `user`). */
  ssh?: { user?: string; keyFile?: string; knownHosts?: string; strictHostKeyChecking?: boolean };
}

/** Chooses the engine for what follows (drops a client made for another one). */
export function configureEngine(o: EngineOptions): void {
  // A bad --docker-host fails here, before anything starts; DOCKER_HOST is read when Docker is
  // first used (runs of the built-in targets never need it).
  const t = o.host !== undefined ? resolveTarget(o.host) : undefined;
  closeEngine();
  config = o;
  target = t;
}

/** Closes the connection to the engine (SSH sessions keep a process alive otherwise). */
export function closeEngine(): void {
  sharedAgent?.destroy();
  sharedAgent = undefined;
  shared = undefined;
  local = undefined;
  checked = undefined;
  target = undefined;
}

/** The engine faultline drives (see engine-target.ts). */
export function engineTarget(): EngineTarget {
  return (target ??= resolveTarget(config.host));
}

/** True when the engine runs on another machine: clients reach nodes through published ports. */
export function isRemoteEngine(): boolean {
  return isRemote(engineTarget());
}

/** The address clients reach a remote engine's published ports on. */
export function engineHostname(): string {
  const t = engineTarget();
  return t.kind === 'unix' ? '127.0.0.1' : t.host;
}

function sshAuth(t: Extract<EngineTarget, { kind: 'ssh' }>): SshAuth {
  const o = config.ssh ?? {};
  const keyFile = o.keyFile ?? ['id_ed25519', 'id_rsa'].map((k) => join(homedir(), '.ssh', k)).find((p) => existsSync(p)) ?? '';
  const agent = process.env.SSH_AUTH_SOCK || undefined;
  if (!keyFile && !agent) throw new FaultlineError('FILE_NOT_FOUND', `no SSH key for the engine at ${t.url}: give --ssh-key, put one in ~/.ssh (id_ed25519, id_rsa), or run an SSH agent`, '--ssh-key');
  return { user: t.user ?? o.user ?? 'root', keyFile, agent, strictHostKeyChecking: o.strictHostKeyChecking ?? true, knownHosts: o.knownHosts };
}

/** The dockerode client, unchecked (use `connectDocker` before the first real call). */
export function docker(): Docker {
  if (!shared) {
    // Loaded on first use: dockerode costs half a second at start-up, which runs that never
    // touch Docker (the built-in targets, `check`) should not pay.
    const Docker = createRequire(import.meta.url)('dockerode') as typeof import('dockerode');
    const t = engineTarget();
    // Every connection detail is explicit, so dockerode's own reading of DOCKER_HOST never decides.
    if (t.kind === 'unix') shared = new Docker({ socketPath: t.socketPath });
    else if (t.kind === 'tcp') shared = new Docker({ host: t.host, port: t.port, protocol: t.tls ? 'https' : 'http', ...(t.tls ? readTls(t.tls) : {}) });
    else {
      sharedAgent = new SshEngineAgent(t.host, t.port, sshAuth(t));
      shared = new Docker({ host: t.host, port: t.port, protocol: 'http', agent: sharedAgent } as Docker.DockerOptions);
    }
  }
  return shared;
}

let local: Promise<Docker | undefined> | undefined;

/**
 * This machine's engine when faultline drives a remote one and a local one answers too: images
 * are then built here (where the recipe's apt mirror is known to be reachable) and shipped.
 */
export function localDocker(): Promise<Docker | undefined> {
  if (!isRemoteEngine()) return Promise.resolve(undefined);
  local ??= (async () => {
    const Docker = createRequire(import.meta.url)('dockerode') as typeof import('dockerode');
    const d = new Docker({ socketPath: DEFAULT_SOCKET });
    try {
      // Images and binaries built here must run there: same CPU architecture only.
      const [here, there] = await Promise.all([d.version(), connectDocker().then((r) => r.version())]);
      return here.Arch === there.Arch ? d : undefined;
    } catch {
      return undefined;
    }
  })();
  return local;
}

/**
 * Connects and checks the engine answers with a recent enough API. An engine that does not answer
 * is a FaultlineError 'UNREACHABLE' (exit 254) naming its address, not a raw ECONNREFUSED.
 */
export function connectDocker(): Promise<Docker> {
  checked ??= (async () => {
    let version: Docker.DockerVersion;
    const t = engineTarget();
    try {
      version = await docker().version();
    } catch (e) {
      checked = undefined;
      if (e instanceof FaultlineError && e.code !== 'UNREACHABLE') throw e; // a refused host key, a missing key file
      const detail = e instanceof FaultlineError ? e.message : ((e as Error)?.message ?? String(e));
      const hint = isRemote(t) ? '' : '; install and start one with `bash docker/setup-engine.sh`';
      throw new FaultlineError('UNREACHABLE', `no Docker engine answers at ${t.url} (${detail})${hint}`, t.kind === 'unix' && t.where === 'the default engine' ? t.socketPath : t.where);
    }
    const [maj, min] = (version.ApiVersion ?? '0.0').split('.').map(Number);
    if ((maj ?? 0) < MIN_API[0] || ((maj ?? 0) === MIN_API[0] && (min ?? 0) < MIN_API[1])) {
      checked = undefined;
      throw new FaultlineError('DOCKER', `Docker engine API ${version.ApiVersion} at ${t.url} is too old; need ${MIN_API.join('.')} or newer`);
    }
    return docker();
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

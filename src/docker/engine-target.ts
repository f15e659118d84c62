// Which Docker engine faultline drives: `--docker-host URL`, else DOCKER_HOST, else the local
// socket. unix:// is this machine; tcp:// (with DOCKER_TLS_VERIFY / DOCKER_CERT_PATH as the docker
// CLI reads them) and ssh://[user@]host[:port] are engines on other machines, whose containers'
// bridge addresses the controller cannot route to (see cluster.ts: published ports).

import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { FaultlineError } from '../errors.js';

export interface TlsFiles {
  ca: string;
  cert: string;
  key: string;
}

export type EngineTarget =
  | { kind: 'unix'; socketPath: string; url: string; where: string }
  | { kind: 'tcp'; host: string; port: number; tls?: TlsFiles; url: string; where: string }
  | { kind: 'ssh'; host: string; port: number; user?: string; url: string; where: string };

export const DEFAULT_SOCKET = '/var/run/docker.sock';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Parses an engine URL. `where` names its source in errors ('--docker-host' or 'DOCKER_HOST').
 * TLS for tcp:// follows the docker CLI: DOCKER_TLS_VERIFY=1 (or any non-empty value but 0)
 * means TLS with the client certificate, CA and key in DOCKER_CERT_PATH (default ~/.docker).
 */
export function parseDockerHost(raw: string, where: string, env: Env = process.env): EngineTarget {
  const url = raw.trim();
  const bad = (why: string): never => {
    throw new FaultlineError('BAD_ARGUMENT', `${why}; expected unix:///path/docker.sock, tcp://host:port or ssh://[user@]host[:port]`, `${where} ${url}`);
  };
  if (!url) bad('empty engine address');
  if (url.startsWith('unix://')) {
    const socketPath = url.slice('unix://'.length) || DEFAULT_SOCKET;
    if (!socketPath.startsWith('/')) bad('a unix socket path must be absolute');
    return { kind: 'unix', socketPath, url, where };
  }
  const m = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url);
  if (!m) bad('no scheme');
  const scheme = m![1]!.toLowerCase();
  if (scheme !== 'tcp' && scheme !== 'ssh') bad(`unsupported scheme ${scheme}://`);
  let u: URL;
  try {
    // URL parses ports and user info only for schemes it knows as "special"-like; http does.
    u = new URL(url.replace(/^[a-z]+:/i, 'http:'));
  } catch {
    return bad('not a valid URL');
  }
  if (!u.hostname) bad('no host');
  if ((u.pathname && u.pathname !== '/') || u.search || u.hash) bad('an engine address has no path or query');
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
  if (scheme === 'ssh') {
    if (u.password) bad('put no password in the URL; use --ssh-key or an SSH agent');
    const port = u.port ? Number(u.port) : 22;
    return { kind: 'ssh', host, port, user: u.username ? decodeURIComponent(u.username) : undefined, url, where };
  }
  if (u.username) bad('tcp:// takes no user');
  const verify = env.DOCKER_TLS_VERIFY !== undefined && env.DOCKER_TLS_VERIFY !== '' && env.DOCKER_TLS_VERIFY !== '0';
  if (!verify && !u.port) bad('give the port (2375 plain, 2376 with DOCKER_TLS_VERIFY=1)');
  const port = u.port ? Number(u.port) : 2376;
  if (!verify) return { kind: 'tcp', host, port, url, where };
  const dir = env.DOCKER_CERT_PATH || join(homedir(), '.docker');
  const tls = { ca: join(dir, 'ca.pem'), cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem') };
  for (const f of Object.values(tls)) {
    if (!existsSync(f)) throw new FaultlineError('FILE_NOT_FOUND', `DOCKER_TLS_VERIFY is set but ${f} does not exist (DOCKER_CERT_PATH holds ca.pem, cert.pem, key.pem)`, `${where} ${url}`);
  }
  return { kind: 'tcp', host, port, tls, url, where };
}

/** The engine the flag or the environment names (the flag wins), else the local socket. */
export function resolveTarget(flag: string | undefined, env: Env = process.env): EngineTarget {
  if (flag !== undefined) return parseDockerHost(flag, '--docker-host', env);
  if (env.DOCKER_HOST) return parseDockerHost(env.DOCKER_HOST, 'DOCKER_HOST', env);
  return { kind: 'unix', socketPath: DEFAULT_SOCKET, url: `unix://${DEFAULT_SOCKET}`, where: 'the default engine' };
}

/** True when containers of this engine run on another machine (their bridge IPs are not ours). */
export function isRemote(t: EngineTarget): boolean {
  return t.kind !== 'unix';
}

/** Reads a TLS file set into the buffers dockerode wants. */
export function readTls(t: TlsFiles): { ca: Buffer; cert: Buffer; key: Buffer } {
  return { ca: readFileSync(t.ca), cert: readFileSync(t.cert), key: readFileSync(t.key) };
}

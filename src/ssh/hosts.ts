// The machines of an SSH cluster: `--nodes-file FILE` (one host per line, Jepsen's format, with
// `# comments`; `name=host[:port]` to name a node) or `--node HOST` repeated. Node names default
// to the host names, as in Jepsen.

import { readFileSync } from 'node:fs';
import { FaultlineError } from '../errors.js';
import type { SshTarget } from './connection.js';

export function parseHostLine(s: string, defaultPort: number, where: string): SshTarget {
  const eq = s.indexOf('=');
  const name = eq > 0 ? s.slice(0, eq).trim() : undefined;
  const addr = (eq > 0 ? s.slice(eq + 1) : s).trim();
  // host, host:port, [v6]:port
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(addr) ?? /^([^:\s]+)(?::(\d+))?$/.exec(addr);
  if (!m || (name !== undefined && !/^[A-Za-z0-9._-]+$/.test(name))) throw new FaultlineError('BAD_ARGUMENT', `'${s}' is not a host (expected host, host:port or name=host:port)`, where);
  const port = m[2] ? Number(m[2]) : defaultPort;
  if (!(port > 0 && port < 65536)) throw new FaultlineError('BAD_ARGUMENT', `bad port in '${s}'`, where);
  return { node: name ?? m[1]!, host: m[1]!, port };
}

export function readNodesFile(file: string, defaultPort: number): SshTarget[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new FaultlineError('FILE_NOT_FOUND', `cannot read the nodes file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, `--nodes-file ${file}`);
  }
  const out: SshTarget[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/#.*$/, '').trim();
    if (line) out.push(parseHostLine(line, defaultPort, `${file}:${i + 1}`));
  });
  return checkTargets(out, `--nodes-file ${file}`);
}

export function checkTargets(targets: SshTarget[], where: string): SshTarget[] {
  if (targets.length === 0) throw new FaultlineError('BAD_ARGUMENT', 'no hosts', where);
  const names = new Set<string>();
  for (const t of targets) {
    if (names.has(t.node)) throw new FaultlineError('BAD_ARGUMENT', `node ${t.node} is listed twice`, where);
    names.add(t.node);
  }
  return targets;
}

// Addresses of an existing deployment given on the command line: `n1=host:port,n2=host:port`, or
// bare `host:port,...` (named n1, n2, ...). Shared by the plugins that can test what they did not start.

import { FaultlineError } from '../src/errors.js';

export interface HostPort {
  node: string;
  host: string;
  port: number;
}

export function parseHostList(s: string, option: string, defaultPort: number): HostPort[] {
  const where = `--db-option ${option}`;
  const parts = s.split(',').map((x) => x.trim()).filter(Boolean);
  if (parts.length === 0) throw new FaultlineError('BAD_ARGUMENT', `${option} is empty (give node=host:port pairs or host:port, comma-separated)`, where);
  const out = parts.map((p, i) => {
    const eq = p.indexOf('=');
    const node = eq > 0 ? p.slice(0, eq) : `n${i + 1}`;
    const addr = eq > 0 ? p.slice(eq + 1) : p;
    const m = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?$/.exec(addr);
    const port = m?.[2] === undefined ? defaultPort : Number(m[2]);
    if (!m || !(port > 0 && port < 65536)) throw new FaultlineError('BAD_ARGUMENT', `'${addr}' is not host:port`, `${where} (${node})`);
    return { node, host: m[1]!.replace(/^\[|\]$/g, ''), port };
  });
  if (new Set(out.map((h) => h.node)).size !== out.length) throw new FaultlineError('BAD_ARGUMENT', 'two addresses have the same node name', where);
  return out;
}

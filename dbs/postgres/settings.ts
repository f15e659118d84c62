// `--db postgres` options: isolation=serializable|repeatable-read|read-committed (default
// read-committed, PostgreSQL's own), replicas=N streaming replicas of the primary n1 (or
// --nodes N: a primary and N-1 replicas), synchronous=on|off (commits wait until every replica
// has applied them), url=postgres://... (an existing server: nothing started or faulted; for
// bank-2pc a comma-separated list, one server per participant), timeout-ms=N (per operation).

import type { Isolation } from '../sql/conn.js';
import { OptionReader } from '../sql/settings.js';
import { parsePgUrl, type PgAddress } from './pg-driver.js';

export const PG_WORKLOADS = ['list-append', 'rw-register', 'bank', 'register', 'bank-2pc'] as const;

export interface PgSettings {
  isolation: Isolation;
  /** Replicas asked for by option (undefined: from --nodes). */
  replicas?: number;
  synchronous: boolean;
  /** Existing servers, one per node. */
  external?: Array<{ node: string; url: string; addr: PgAddress }>;
  timeoutMs: number;
}

export function pgSettings(opts: Record<string, string>, workload?: string): PgSettings {
  const r = new OptionReader('postgres', opts, ['isolation', 'replicas', 'synchronous', 'url', 'timeout-ms']);
  const twoPc = workload === 'bank-2pc';
  const s: PgSettings = {
    isolation: r.isolation('read-committed'),
    ...(r.has('replicas') ? { replicas: r.int('replicas', 0, 0, 8) } : {}),
    synchronous: r.bool('synchronous', false),
    timeoutMs: r.int('timeout-ms', 3000, 200),
  };
  const url = r.str('url');
  if (url !== undefined) {
    const parts = url.split(',').map((x) => x.trim()).filter(Boolean);
    if (parts.length === 0) throw r.bad('url', 'url is empty (expected postgres://user@host:port/database)');
    if (parts.length > 1 && !twoPc) throw r.bad('url', `one server per run (got ${parts.length}); several are for bank-2pc participants`);
    s.external = parts.map((p, i) => {
      const eq = p.indexOf('=');
      const named = eq > 0 && !p.slice(0, eq).includes('/');
      const node = named ? p.slice(0, eq) : `n${i + 1}`;
      const u = named ? p.slice(eq + 1) : p;
      const addr = parsePgUrl(u);
      if (!addr) throw r.bad('url', `'${u}' is not a postgres:// URL with a host (node ${node})`);
      return { node, url: u, addr };
    });
    if (new Set(s.external.map((e) => e.node)).size !== s.external.length) throw r.bad('url', 'two servers have the same node name');
    if (r.has('replicas') || s.synchronous) throw r.bad(r.has('replicas') ? 'replicas' : 'synchronous', 'replication is set up by faultline only on servers it starts, not with url=');
  }
  if (twoPc && (s.replicas || s.synchronous)) throw r.bad(s.replicas ? 'replicas' : 'synchronous', 'bank-2pc runs on independent servers (one per participant), without replicas');
  if (s.synchronous && s.replicas === 0) throw r.bad('synchronous', 'synchronous replication needs replicas (replicas=N or --nodes N+1)');
  return s;
}

/** Node names: the existing servers', or n1..nN (bank-2pc: at least two participants). */
export function pgNodeNames(s: PgSettings, nodes: number, workload?: string): string[] {
  if (s.external) return s.external.map((e) => e.node);
  const n = workload === 'bank-2pc' ? Math.max(2, nodes) : s.replicas !== undefined ? 1 + s.replicas : nodes;
  return Array.from({ length: n }, (_, i) => `n${i + 1}`);
}

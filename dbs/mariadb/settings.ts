// `--db mariadb` options: isolation=serializable|repeatable-read|read-committed (default
// repeatable-read, InnoDB's own), galera=true (a Galera cluster, 3 nodes unless --nodes says
// otherwise), innodb_snapshot_isolation=on|off (MariaDB ≥ 10.6.18/10.11.8: a repeatable-read
// transaction that writes a row changed since its snapshot fails with error 1020), sync-wait=N
// (Galera's wsrep_sync_wait: causal reads), url=mysql://user@host:port/database (an existing
// server: nothing started or faulted), timeout-ms=N (per operation).

import type { Isolation } from '../sql/conn.js';
import { OptionReader } from '../sql/settings.js';
import { parseMysqlUrl, type MysqlAddress } from './mysql-driver.js';

export const MARIADB_WORKLOADS = ['list-append', 'rw-register', 'bank', 'register'] as const;

export interface MariaSettings {
  isolation: Isolation;
  galera: boolean;
  /** undefined: the server's default. */
  snapshotIsolation?: boolean;
  syncWait?: number;
  external?: { url: string; addr: MysqlAddress };
  timeoutMs: number;
}

export function mariaSettings(opts: Record<string, string>): MariaSettings {
  const r = new OptionReader('mariadb', opts, ['isolation', 'galera', 'innodb_snapshot_isolation', 'sync-wait', 'url', 'timeout-ms']);
  const s: MariaSettings = {
    isolation: r.isolation('repeatable-read'),
    galera: r.bool('galera', false),
    ...(r.has('innodb_snapshot_isolation') ? { snapshotIsolation: r.bool('innodb_snapshot_isolation', false) } : {}),
    ...(r.has('sync-wait') ? { syncWait: r.int('sync-wait', 0, 0, 15) } : {}),
    timeoutMs: r.int('timeout-ms', 3000, 200),
  };
  const url = r.str('url');
  if (url !== undefined) {
    const addr = parseMysqlUrl(url);
    if (!addr) throw r.bad('url', `'${url}' is not a mysql:// URL with a host and a database (mysql://user:password@host:3306/database)`);
    if (s.galera) throw r.bad('galera', 'a Galera cluster is set up by faultline only on servers it starts, not with url=');
    s.external = { url, addr };
  }
  if (s.syncWait !== undefined && !s.galera) throw r.bad('sync-wait', 'sync-wait is a Galera setting (galera=true)');
  return s;
}

/** One node, a Galera cluster (3 nodes unless --nodes says more than one), or the existing server. */
export function mariaNodeNames(s: MariaSettings, nodes: number): string[] {
  const n = s.external ? 1 : s.galera ? (nodes > 1 ? nodes : 3) : nodes;
  return Array.from({ length: n }, (_, i) => `n${i + 1}`);
}

// The SqlTarget of a MariaDB run: how to reach each node (as the `faultline` user), which node
// takes a client's transactions (a single server; with Galera, the client's own node: every
// node takes writes), and table names (plain in the run's own server; with a per-run prefix on an
// existing server). innodb_snapshot_isolation, when asked for, is set on every session.

import type { Isolation, SqlConn, SqlTarget } from '../sql/conn.js';
import { connectMysql, mysqlDialect, type MysqlAddress } from './mysql-driver.js';

export interface MariaTargetOptions {
  address(node: string): MysqlAddress;
  /** Every node takes writes (Galera). */
  multiPrimary: boolean;
  firstNode: string;
  isolation: Isolation;
  timeoutMs: number;
  snapshotIsolation?: boolean;
  syncWait?: number;
  /** Per-run table prefix (existing servers). */
  prefix?: string;
}

export function mariaTarget(o: MariaTargetOptions): SqlTarget {
  const d = mysqlDialect;
  return {
    dialect: d,
    isolation: o.isolation,
    timeoutMs: o.timeoutMs,
    writer: (node) => (o.multiPrimary ? node : o.firstNode),
    setupNode: () => o.firstNode,
    table: (name) => d.ident(`${o.prefix ?? ''}${name}`),
    connect: async (node): Promise<SqlConn> => {
      const c = await connectMysql(o.address(node), { lockWaitTimeoutS: (o.timeoutMs * 0.5) / 1000, statementTimeoutS: (o.timeoutMs * 0.8) / 1000, connectTimeoutMs: o.timeoutMs });
      try {
        if (o.snapshotIsolation !== undefined) await c.query(`SET SESSION innodb_snapshot_isolation = ${o.snapshotIsolation ? 'ON' : 'OFF'}`);
        if (o.syncWait !== undefined) await c.query(`SET SESSION wsrep_sync_wait = ${o.syncWait}`);
      } catch (e) {
        c.destroy();
        throw e;
      }
      return c;
    },
  };
}

/** Tables the MariaDB clients may create (an existing server's run drops them at the end). */
export const MARIA_TABLES = ['append0', 'append1', 'append2', 'rw0', 'rw1', 'rw2', 'accounts', 'registers'];

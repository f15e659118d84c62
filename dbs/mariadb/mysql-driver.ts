// MariaDB through the `mysql2` client: connections for the SQL clients, the dialect (upserts by
// INSERT … ON DUPLICATE KEY UPDATE, `SET TRANSACTION ISOLATION LEVEL …` before `START
// TRANSACTION`), and what its errors mean. Deadlocks and Galera certification failures (1213),
// lock wait timeouts (1205) and snapshot-isolation conflicts (1020) are definite; a lost
// connection, a killed query or a node leaving the primary component (1047) during COMMIT is not.

import { createRequire } from 'node:module';
import type mysqlTypes from 'mysql2/promise';
import type { Isolation, SqlAddress, SqlConn, SqlDialect, SqlErrorInfo, Statement } from '../sql/conn.js';

let lib: typeof mysqlTypes | undefined;
const mysql = (): typeof mysqlTypes => (lib ??= createRequire(import.meta.url)('mysql2/promise') as typeof mysqlTypes);

export interface MysqlConnectOptions {
  connectTimeoutMs?: number;
  /** innodb_lock_wait_timeout, seconds (whole). */
  lockWaitTimeoutS?: number;
  /** max_statement_time, seconds (MariaDB; fractions allowed). */
  statementTimeoutS?: number;
}

export async function connectMysql(addr: SqlAddress, o: MysqlConnectOptions = {}): Promise<SqlConn> {
  const c = await mysql().createConnection({
    ...addr,
    connectTimeout: o.connectTimeoutMs ?? 3000,
    // UPDATE reports rows matched, not rows changed: a cas that writes the value already there still matched.
    flags: ['+FOUND_ROWS'],
    supportBigNumbers: true,
    multipleStatements: false,
  });
  c.on('error', () => {});
  try {
    if (o.lockWaitTimeoutS) await c.query(`SET SESSION innodb_lock_wait_timeout = ${Math.max(1, Math.round(o.lockWaitTimeoutS))}`);
    if (o.statementTimeoutS) await c.query(`SET SESSION max_statement_time = ${o.statementTimeoutS}`);
  } catch (e) {
    c.destroy();
    throw e;
  }
  return {
    query: async (sql, params) => {
      const [res] = await c.query(sql, params as unknown[] | undefined);
      if (Array.isArray(res)) return { rows: res as Array<Record<string, unknown>>, rowCount: res.length };
      return { rows: [], rowCount: (res as { affectedRows?: number }).affectedRows ?? 0 };
    },
    destroy: () => c.destroy(),
    end: () => c.end(),
  };
}

const LEVEL: Record<Isolation, string> = {
  serializable: 'SERIALIZABLE',
  'repeatable-read': 'REPEATABLE READ',
  'read-committed': 'READ COMMITTED',
};

const KIND: Record<number, string> = {
  1213: 'deadlock',
  1205: 'lock-wait-timeout',
  1020: 'record-changed',
  1047: 'wsrep-not-ready',
  1180: 'error-during-commit',
  1969: 'statement-timeout',
  1927: 'connection-killed',
  1053: 'server-shutdown',
  1792: 'read-only',
  1146: 'table-missing',
};
/** Server errors after which a COMMIT may still have happened (or been replicated). */
const UNCERTAIN = new Set([1047, 1180, 1927, 1053, 1969]);

export const mysqlDialect: SqlDialect = {
  name: 'mariadb',
  textType: 'longtext',
  param: () => '?',
  // SET TRANSACTION applies to the next transaction only: one level per transaction.
  begin: (iso) => [`SET TRANSACTION ISOLATION LEVEL ${LEVEL[iso]}`, 'START TRANSACTION'],
  ident: (n) => `\`${n.replace(/`/g, '``')}\``,
  appendUpsert: (t: string, id: number, elem: string): Statement => ({
    sql: `INSERT INTO ${t} (id, sk, val) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE val = CONCAT(val, ',', ?)`,
    params: [id, id, elem, elem],
  }),
  writeUpsert: (t: string, id: number, value: number): Statement => ({
    sql: `INSERT INTO ${t} (id, sk, val) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE val = ?`,
    params: [id, id, value, value],
  }),
  classify: classifyMysql,
};

export function classifyMysql(e: unknown): SqlErrorInfo {
  const err = e as { errno?: unknown; code?: unknown; fatal?: unknown; sqlState?: unknown; message?: unknown };
  const message = String(err?.message ?? e).split('\n')[0]!;
  const errno = typeof err?.errno === 'number' ? err.errno : undefined;
  // Client-side failures (lost connection, socket errors) are fatal to the connection; the server said nothing.
  if (err?.fatal === true || errno === undefined || typeof err.sqlState !== 'string') {
    return { kind: typeof err?.code === 'string' ? `connection (${err.code})` : 'connection-lost', serverAnswered: false, message };
  }
  return { kind: KIND[errno] ?? 'error', serverAnswered: !UNCERTAIN.has(errno), code: String(errno), message };
}

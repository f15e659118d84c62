// PostgreSQL through the `pg` client: connections for the SQL clients, the dialect (upserts by
// INSERT … ON CONFLICT, `BEGIN ISOLATION LEVEL …`), and what its errors mean. SQLSTATE class 40
// (serialization failure 40001, deadlock 40P01) and other ERRORs the server answered are
// definite; a dropped connection, an administrator shutdown (57P01) or "statement completion
// unknown" (40003) may have hidden a commit.

import { createRequire } from 'node:module';
import type pgTypes from 'pg';
import type { Isolation, SqlAddress, SqlConn, SqlDialect, SqlErrorInfo, Statement } from '../sql/conn.js';

/** `pg` is loaded on first use: runs without PostgreSQL start as fast as before. */
let lib: typeof pgTypes | undefined;
export const pg = (): typeof pgTypes => (lib ??= createRequire(import.meta.url)('pg') as typeof pgTypes);

export interface PgConnectOptions {
  /** Server-side limits, so a statement fails definitely before the client gives up. */
  statementTimeoutMs?: number;
  lockTimeoutMs?: number;
  connectTimeoutMs?: number;
  applicationName?: string;
}

export async function connectPg(addr: SqlAddress, o: PgConnectOptions = {}): Promise<SqlConn> {
  const c = new (pg().Client)({
    ...addr,
    connectionTimeoutMillis: o.connectTimeoutMs ?? 3000,
    ...(o.statementTimeoutMs ? { statement_timeout: o.statementTimeoutMs } : {}),
    ...(o.lockTimeoutMs ? { lock_timeout: o.lockTimeoutMs } : {}),
    application_name: o.applicationName ?? 'faultline',
    keepAlive: true,
  });
  // A connection that breaks while idle emits 'error'; the next query then fails and is classified.
  c.on('error', () => {});
  try {
    await c.connect();
  } catch (e) {
    destroyPg(c);
    throw e;
  }
  return {
    query: async (sql, params) => {
      const r = await c.query(sql, params as unknown[] | undefined);
      return { rows: r.rows as Array<Record<string, unknown>>, rowCount: r.rowCount ?? 0 };
    },
    destroy: () => destroyPg(c),
    end: () => c.end(),
  };
}

function destroyPg(c: pgTypes.Client): void {
  // pg has no public "drop now": end() waits for the server. The socket is what we drop.
  const stream = (c as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream;
  stream?.destroy();
}

const LEVEL: Record<Isolation, string> = {
  serializable: 'SERIALIZABLE',
  'repeatable-read': 'REPEATABLE READ',
  'read-committed': 'READ COMMITTED',
};

const KIND: Record<string, string> = {
  '40001': 'serialization-failure',
  '40P01': 'deadlock',
  '55P03': 'lock-timeout',
  '57014': 'statement-timeout',
  '25006': 'read-only',
  '40003': 'completion-unknown',
  '57P01': 'admin-shutdown',
  '57P02': 'crash-shutdown',
  '57P03': 'cannot-connect-now',
  '42P01': 'table-missing',
};

export const pgDialect: SqlDialect = {
  name: 'postgres',
  textType: 'text',
  param: (i) => `$${i}`,
  begin: (iso) => [`BEGIN ISOLATION LEVEL ${LEVEL[iso]}`],
  ident: (n) => `"${n.replace(/"/g, '""')}"`,
  appendUpsert: (t: string, id: number, elem: string): Statement => ({
    sql: `INSERT INTO ${t} AS t (id, sk, val) VALUES ($1, $1, $2) ON CONFLICT (id) DO UPDATE SET val = CONCAT(t.val, ',', $2::text) WHERE t.id = $1`,
    params: [id, elem],
  }),
  writeUpsert: (t: string, id: number, value: number): Statement => ({
    sql: `INSERT INTO ${t} AS t (id, sk, val) VALUES ($1, $1, $2) ON CONFLICT (id) DO UPDATE SET val = $2 WHERE t.id = $1`,
    params: [id, value],
  }),
  classify: classifyPg,
};

export function classifyPg(e: unknown): SqlErrorInfo {
  const err = e as { code?: unknown; severity?: unknown; message?: unknown };
  const message = String(err?.message ?? e).split('\n')[0]!;
  const code = typeof err?.code === 'string' ? err.code : undefined;
  // Server errors carry a five-character SQLSTATE and a severity; socket errors carry ECONN... codes.
  const sqlstate = code && /^[0-9A-Z]{5}$/.test(code) && typeof err.severity === 'string' ? code : undefined;
  if (!sqlstate) return { kind: code ? `connection (${code})` : 'connection-lost', serverAnswered: false, message };
  const uncertain = sqlstate === '40003' || /^(08|57|58|XX)/.test(sqlstate) || err.severity === 'FATAL' || err.severity === 'PANIC';
  return { kind: KIND[sqlstate] ?? 'error', serverAnswered: !uncertain, code: sqlstate, message };
}

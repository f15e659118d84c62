// The SqlTarget of a PostgreSQL run: how to reach each node, which node takes writes, and where
// the tables live (the default schema on servers faultline started; a per-run schema on an
// existing server, so the run neither sees nor leaves other data there).

import type { Isolation, SqlConn, SqlTarget } from '../sql/conn.js';
import { connectPg, pgDialect, type PgAddress } from './pg-driver.js';

export interface PgTargetOptions {
  address(node: string): PgAddress;
  primary: string;
  isolation: Isolation;
  timeoutMs: number;
  /** Per-run schema (existing servers). */
  schema?: string;
}

export function pgTarget(o: PgTargetOptions): SqlTarget {
  const d = pgDialect;
  return {
    dialect: d,
    isolation: o.isolation,
    timeoutMs: o.timeoutMs,
    writer: () => o.primary,
    setupNode: () => o.primary,
    table: (name) => (o.schema ? `${d.ident(o.schema)}.${d.ident(name)}` : d.ident(name)),
    // Server-side limits below the client's deadline: a statement that waits too long fails with
    // an answer (definite) rather than by the client dropping the connection.
    connect: (node) => connectPg(o.address(node), { statementTimeoutMs: Math.round(o.timeoutMs * 0.8), lockTimeoutMs: Math.round(o.timeoutMs * 0.5), connectTimeoutMs: o.timeoutMs }),
    ...(o.schema ? { prepare: async (conn: SqlConn) => void (await conn.query(`CREATE SCHEMA IF NOT EXISTS ${d.ident(o.schema!)}`)) } : {}),
  };
}

// The SqlTarget of a PostgreSQL run, from its db (servers faultline started, or existing ones by
// URL): how to reach each node, which node takes writes, and where the tables live (the default
// schema on servers faultline started; a per-run schema on an existing server, so the run
// neither sees nor touches other data there).

import type { Endpoints } from '../../src/docker/container-db.js';
import type { Test } from '../../src/protocols.js';
import { sqlAddress, type Isolation, type SqlAddress, type SqlConn, type SqlTarget } from '../sql/conn.js';
import { runIdent } from '../sql/options.js';
import { connectPg, pgDialect } from './pg-driver.js';

export interface PgClientOptions {
  isolation: Isolation;
  'timeout-ms': number;
}

export type PgDb = Endpoints<PgClientOptions>;

/** How to log in to a node: a URL's user and database, else the superuser of a node faultline made. */
export const pgAddress = (db: PgDb, node: string): SqlAddress => sqlAddress(db.endpoint(node), { user: 'postgres', database: 'postgres' });

export function pgTarget(db: PgDb, test: Pick<Test, 'nodes' | 'runId'>): SqlTarget {
  const d = pgDialect;
  const schema = db.shared ? runIdent(test.runId) : undefined;
  const timeoutMs = db.options['timeout-ms'];
  const primary = test.nodes[0]!;
  return {
    dialect: d,
    isolation: db.options.isolation,
    timeoutMs,
    writer: () => primary,
    setupNode: () => primary,
    table: (name) => (schema ? `${d.ident(schema)}.${d.ident(name)}` : d.ident(name)),
    // Server-side limits below the client's deadline: a statement that waits too long fails with
    // an answer (definite) rather than by the client dropping the connection.
    connect: (node) => connectPg(pgAddress(db, node), { statementTimeoutMs: Math.round(timeoutMs * 0.8), lockTimeoutMs: Math.round(timeoutMs * 0.5), connectTimeoutMs: timeoutMs }),
    ...(schema ? { prepare: async (conn: SqlConn) => void (await conn.query(`CREATE SCHEMA IF NOT EXISTS ${d.ident(schema)}`)) } : {}),
  };
}

/** Drops the run's schema on every node of a run on existing servers: they are left as found. */
export async function dropPgSchema(db: PgDb, test: Pick<Test, 'nodes' | 'runId'>): Promise<void> {
  const schema = pgDialect.ident(runIdent(test.runId));
  await Promise.all(
    test.nodes.map(async (node) => {
      const c = await connectPg(pgAddress(db, node), { connectTimeoutMs: db.options['timeout-ms'] });
      try {
        await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        await c.end().catch(() => c.destroy());
      }
    }),
  );
}

// The SqlTarget of a MariaDB run, from its db (servers faultline started, or an existing one by
// URL): how to reach each node (as the `faultline` user on servers faultline made), which node
// takes a client's transactions (a single server; with Galera, the client's own node: every node
// takes writes), and table names (plain on the run's own servers; with a per-run prefix on an
// existing one). innodb_snapshot_isolation, when asked for, is set on every session; a server
// without it is refused naming the versions that have it.

import type { Endpoints } from '../../src/docker/container-db.js';
import { FaultlineError } from '../../src/errors.js';
import type { Test } from '../../src/protocols.js';
import { sqlAddress, type Isolation, type SqlAddress, type SqlConn, type SqlTarget } from '../sql/conn.js';
import { runIdent } from '../sql/options.js';
import { classifyMysql, connectMysql, mysqlDialect } from './mysql-driver.js';

export interface MariaClientOptions {
  isolation: Isolation;
  'timeout-ms': number;
  galera: boolean;
  innodb_snapshot_isolation?: 'on' | 'off';
  'sync-wait'?: number;
}

export type MariaDb = Endpoints<MariaClientOptions>;

/** How to log in to a node: a URL's user and database (an existing server's URL names one), else the run's own. */
export const mariaAddress = (db: MariaDb, node: string): SqlAddress => sqlAddress(db.endpoint(node), { user: db.shared ? 'root' : 'faultline', database: 'faultline' });

const SI_OPTION = '--db-option innodb_snapshot_isolation';

export function mariaTarget(db: MariaDb, test: Pick<Test, 'nodes' | 'runId'>): SqlTarget {
  const d = mysqlDialect;
  const o = db.options;
  const prefix = db.shared ? `${runIdent(test.runId)}_` : '';
  const first = test.nodes[0]!;
  const si = o.innodb_snapshot_isolation;
  return {
    dialect: d,
    isolation: o.isolation,
    timeoutMs: o['timeout-ms'],
    writer: (node) => (o.galera ? node : first),
    setupNode: () => first,
    table: (name) => d.ident(`${prefix}${name}`),
    connect: async (node): Promise<SqlConn> => {
      const ms = o['timeout-ms'];
      const c = await connectMysql(mariaAddress(db, node), { lockWaitTimeoutS: (ms * 0.5) / 1000, statementTimeoutS: (ms * 0.8) / 1000, connectTimeoutMs: ms });
      try {
        if (si !== undefined) await c.query(`SET SESSION innodb_snapshot_isolation = ${si === 'on' ? 'ON' : 'OFF'}`);
        if (o['sync-wait'] !== undefined) await c.query(`SET SESSION wsrep_sync_wait = ${o['sync-wait']}`);
      } catch (e) {
        c.destroy();
        const info = classifyMysql(e);
        if (/unknown system variable/i.test(info.message) && /innodb_snapshot_isolation/i.test(info.message)) {
          throw new FaultlineError('UNSUPPORTED', `this MariaDB has no innodb_snapshot_isolation (${info.message}); it was added in MariaDB 10.6.18, 10.11.8 and 11.4.2`, SI_OPTION);
        }
        throw e;
      }
      return c;
    },
    // Once, before the workload: the session really runs with the setting asked for.
    prepare: async (conn) => {
      if (si === undefined) return;
      const r = await conn.query('SELECT @@version AS v, @@session.innodb_snapshot_isolation AS si');
      if (Number(r.rows[0]?.si) !== (si === 'on' ? 1 : 0)) {
        throw new FaultlineError('UNSUPPORTED', `MariaDB ${String(r.rows[0]?.v)} did not take innodb_snapshot_isolation=${si}`, SI_OPTION);
      }
    },
  };
}

/** Drops the tables of a run on an existing server (those under its prefix): it is left as found. */
export async function dropMariaTables(db: MariaDb, test: Pick<Test, 'nodes' | 'runId'>): Promise<void> {
  const prefix = `${runIdent(test.runId)}_`;
  const c = await connectMysql(mariaAddress(db, test.nodes[0]!), { connectTimeoutMs: db.options['timeout-ms'] });
  try {
    // runIdent is letters, digits and underscores; `_` is a LIKE wildcard, hence the escapes.
    const r = await c.query(`SELECT table_name AS t FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name LIKE ?`, [`${prefix.replace(/_/g, '\\_')}%`]);
    for (const row of r.rows) await c.query(`DROP TABLE IF EXISTS ${mysqlDialect.ident(String(row.t))}`);
  } finally {
    await c.end().catch(() => c.destroy());
  }
}

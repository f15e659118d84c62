// The PostgreSQL suite, `--db postgres`: Debian's PostgreSQL 15, one server or a primary (n1) with
// streaming replicas, in containers (or on machines over SSH), or an existing server by URL. The
// isolation level picks the model list-append and rw-register are checked against. Two-phase
// commit over independent servers is its own db, `postgres-2pc` (two-phase/index.ts).

import { ExternalDb, parseAddresses } from '../../src/external-db.js';
import { opt, type OptionValues } from '../../src/plugin/options.js';
import { defineDb } from '../../src/plugin/registry.js';
import { systemDb } from '../../src/system-db.js';
import { SqlBankClient } from '../sql/bank-client.js';
import { sqlAddress } from '../sql/conn.js';
import { isolationOption, misfit, promisedModel, timeoutOption } from '../sql/options.js';
import { SqlRegisterClient } from '../sql/register-client.js';
import { SqlTxnClient } from '../sql/txn-client.js';
import { connectPg } from './pg-driver.js';
import { PG_PORT, pgSystem } from './system.js';
import { dropPgSchema, pgTarget } from './target.js';

const options = {
  isolation: isolationOption('read-committed', "PostgreSQL's own"),
  replicas: opt.number({ integer: true, min: 0, max: 8, doc: 'streaming replicas of the primary n1 (default: --nodes minus one)' }),
  synchronous: opt.enum(['on', 'off'], { default: 'off', doc: 'commits return once every replica has applied them (synchronous_commit=remote_apply)' }),
  fsync: opt.enum(['on', 'off'], { default: 'on', doc: "the server's fsync setting: off acknowledges commits it never forced to disk (what a power failure then loses)" }),
  url: opt.string({ placeholder: 'postgres://user@host:5432/db', doc: 'test an existing server instead (tables in a per-run schema; faults refused)' }),
  'timeout-ms': timeoutOption(),
};
type Options = OptionValues<typeof options>;

const postgresSystem = pgSystem<Options>('replicated', (o) => o.synchronous === 'on', (o) => o.fsync === 'on');

const serversOf = (o: { url?: string }) => (o.url === undefined ? undefined : parseAddresses(o.url, { where: '--db-option url', defaultPort: PG_PORT, schemes: ['postgres', 'postgresql'] }));

/** Connects and disconnects: the server answers and lets us in. */
export async function pgProbe(e: Parameters<typeof sqlAddress>[0], timeoutMs: number): Promise<void> {
  const c = await connectPg(sqlAddress(e, { user: 'postgres', database: 'postgres' }), { connectTimeoutMs: timeoutMs });
  await c.end().catch(() => c.destroy());
}

defineDb({
  name: 'postgres',
  doc: "PostgreSQL 15 (Debian's): one server, or a primary with streaming replicas (replicas=N); or an existing server (url=postgres://...)",
  options,
  defaultNodes: 1,
  system: postgresSystem,
  nodeNames: ({ options: o }) => serversOf(o)?.map((e) => e.node) ?? (o.replicas === undefined ? undefined : Array.from({ length: 1 + o.replicas }, (_, i) => `n${i + 1}`)),
  workloadDefaults: (workload, o) => promisedModel(workload, o.isolation),
  create: ({ nodes, options: o, ssh }) => {
    const servers = serversOf(o);
    if (servers) {
      if (servers.length > 1) throw misfit('url', `one server per run (got ${servers.length}); two-phase commit across servers is --db postgres-2pc`);
      if (o.replicas !== undefined || o.synchronous === 'on') throw misfit(o.replicas !== undefined ? 'replicas' : 'synchronous', 'replication is set up only on servers faultline starts, not with url=');
      if (o.fsync === 'off') throw misfit('fsync', 'server settings are made only on servers faultline starts, not with url=');
      return new ExternalDb({ name: 'postgres', nodes: servers, options: o, timeoutMs: o['timeout-ms'], cleanup: dropPgSchema, probe: (e) => pgProbe(e, o['timeout-ms']) });
    }
    if (o.synchronous === 'on' && nodes < 2) throw misfit('synchronous', 'synchronous replication needs replicas (replicas=N, or --nodes N+1)');
    return systemDb(postgresSystem, { options: o, ssh });
  },
  clients: {
    'list-append': (db, test) => new SqlTxnClient(pgTarget(db, test), 'list-append'),
    'rw-register': (db, test) => new SqlTxnClient(pgTarget(db, test), 'rw-register'),
    bank: (db, test) => new SqlBankClient(pgTarget(db, test)),
    // A hot standby refuses SERIALIZABLE: reads on a replica run at REPEATABLE READ (a snapshot either way).
    register: (db, test) => new SqlRegisterClient(pgTarget(db, test), db.options.isolation === 'serializable' ? 'repeatable-read' : undefined),
  },
});

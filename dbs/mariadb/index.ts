// The MariaDB suite, `--db mariadb`: Debian's MariaDB 10.11, one server or a Galera 4 cluster
// (galera=true, 3 nodes unless --nodes says more), in containers (or on machines over SSH), or an
// existing server by URL. The isolation level picks the model list-append and rw-register are
// checked against; innodb_snapshot_isolation=on makes repeatable read refuse lost updates.

import { ExternalDb, parseAddresses, type ExternalNode } from '../../src/external-db.js';
import { opt, type OptionValues } from '../../src/plugin/options.js';
import { defineDb } from '../../src/plugin/registry.js';
import { systemDb } from '../../src/system-db.js';
import { SqlBankClient } from '../sql/bank-client.js';
import { sqlAddress } from '../sql/conn.js';
import { isolationOption, misfit, promisedModel, timeoutOption } from '../sql/options.js';
import { SqlRegisterClient } from '../sql/register-client.js';
import { SqlTxnClient } from '../sql/txn-client.js';
import { connectMysql } from './mysql-driver.js';
import { MARIADB_PORT, mariadbSystem } from './system.js';
import { dropMariaTables, mariaTarget } from './target.js';

const options = {
  isolation: isolationOption('repeatable-read', "InnoDB's own"),
  galera: opt.boolean({ default: false, doc: 'a Galera 4 cluster (every node takes writes), 3 nodes unless --nodes says more' }),
  innodb_snapshot_isolation: opt.enum(['on', 'off'], { doc: "repeatable read refuses to write a row changed since its snapshot (error 1020; MariaDB >= 10.6.18/10.11.8; default: the server's)" }),
  'sync-wait': opt.number({ integer: true, min: 0, max: 15, doc: "Galera's wsrep_sync_wait for every session (causal reads), galera=true only" }),
  url: opt.string({ placeholder: 'mysql://user@host:3306/db', doc: 'test an existing server instead (tables under a per-run prefix; faults refused)' }),
  'timeout-ms': timeoutOption(),
};
type Options = OptionValues<typeof options>;

const system = mariadbSystem<Options>();

const serversOf = (o: Options): ExternalNode[] | undefined =>
  o.url === undefined ? undefined : parseAddresses(o.url, { where: '--db-option url', defaultPort: MARIADB_PORT, schemes: ['mysql', 'mariadb'] });

defineDb({
  name: 'mariadb',
  doc: "MariaDB 10.11 (Debian's): one server, or a Galera cluster (galera=true); or an existing server (url=mysql://...)",
  options,
  defaultNodes: 1,
  system,
  nodeNames: ({ nodes, options: o }) =>
    serversOf(o)?.map((e) => e.node) ?? (o.galera && nodes < 2 ? ['n1', 'n2', 'n3'] : undefined),
  workloadDefaults: (workload, o) => promisedModel(workload, o.isolation),
  create: ({ nodes, options: o, ssh }) => {
    if (o['sync-wait'] !== undefined && !o.galera) throw misfit('sync-wait', 'sync-wait is a Galera setting (galera=true)');
    const servers = serversOf(o);
    if (servers) {
      if (o.galera) throw misfit('galera', 'a Galera cluster is set up only on servers faultline starts, not with url=');
      if (servers.length > 1) throw misfit('url', `one server per run (got ${servers.length})`);
      if (!servers[0]!.path) throw misfit('url', `'${o.url}' names no database (mysql://user@host:3306/database)`);
      const probe = async (e: ExternalNode) => {
        const c = await connectMysql(sqlAddress(e, { user: 'root', database: '' }), { connectTimeoutMs: o['timeout-ms'] });
        await c.end().catch(() => c.destroy());
      };
      return new ExternalDb({ name: 'mariadb', nodes: servers, options: o, timeoutMs: o['timeout-ms'], cleanup: dropMariaTables, probe });
    }
    if (!o.galera && nodes > 1) throw misfit('--nodes', `MariaDB runs one server, or a Galera cluster (--db-option galera=true); got ${nodes} nodes`);
    return systemDb(system, { options: o, ssh });
  },
  clients: {
    'list-append': (db, test) => new SqlTxnClient(mariaTarget(db, test), 'list-append'),
    'rw-register': (db, test) => new SqlTxnClient(mariaTarget(db, test), 'rw-register'),
    bank: (db, test) => new SqlBankClient(mariaTarget(db, test)),
    register: (db, test) => new SqlRegisterClient(mariaTarget(db, test)),
  },
});

// The MariaDB suite: `--db mariadb`. Debian's MariaDB 10.11 in Docker containers (one server, or
// a Galera 4 cluster with galera=true), or an existing server by URL. Options: see settings.ts.

import { FaultlineError } from '../../src/errors.js';
import { registerDb, type DbOptions } from '../registry.js';
import { promisedModelDefaults } from '../sql/settings.js';
import { MariaDb } from './docker-db.js';
import { MariaExternalDb } from './external.js';
import { MARIADB_WORKLOADS, mariaNodeNames, mariaSettings } from './settings.js';

registerDb({
  name: 'mariadb',
  description:
    "MariaDB 10.11 (Debian's) in Docker: one server, or a Galera cluster (--db-option galera=true, 3 nodes); isolation=serializable|repeatable-read|read-committed, innodb_snapshot_isolation=on; or an existing server (url=mysql://...)",
  workloads: MARIADB_WORKLOADS,
  defaultNodes: 1,
  nodeNames: (o: DbOptions) => mariaNodeNames(mariaSettings(o.dbOptions), o.nodes),
  workloadDefaults: (o: DbOptions) => promisedModelDefaults(o.workload, mariaSettings(o.dbOptions).isolation),
  create: (o: DbOptions) => {
    const s = mariaSettings(o.dbOptions);
    if (!s.galera && !s.external && o.nodes > 1) {
      throw new FaultlineError('BAD_ARGUMENT', `MariaDB runs one server, or a Galera cluster (--db-option galera=true); got ${o.nodes} nodes`, '--nodes');
    }
    return s.external ? new MariaExternalDb(s) : new MariaDb(s);
  },
});

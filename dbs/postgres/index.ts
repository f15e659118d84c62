// The PostgreSQL suite: `--db postgres`. Debian's PostgreSQL 15 in Docker containers (one node,
// or a primary with streaming replicas; for bank-2pc, independent servers with a client-side
// two-phase-commit coordinator), or existing servers by URL. Options: see settings.ts.

import { FaultlineError } from '../../src/errors.js';
import { registerDb, type DbOptions } from '../registry.js';
import { promisedModelDefaults } from '../sql/settings.js';
import { PostgresDb } from './docker-db.js';
import { PostgresExternalDb } from './external.js';
import { PG_WORKLOADS, pgNodeNames, pgSettings } from './settings.js';

const BUGS = {
  'forget-participant': "bank-2pc: the coordinator's commit decision names only the first participant, so the other branch is later rolled back by recovery (presumed abort) while the first committed",
};

registerDb({
  name: 'postgres',
  description:
    "PostgreSQL 15 (Debian's) in Docker: one node, or a primary with streaming replicas (--db-option replicas=N, synchronous=on); isolation=serializable|repeatable-read|read-committed; bank-2pc over independent servers; or existing servers (url=postgres://...)",
  workloads: PG_WORKLOADS,
  bugs: BUGS,
  defaultNodes: 1,
  nodeNames: (o: DbOptions) => pgNodeNames(pgSettings(o.dbOptions, o.workload), o.nodes, o.workload),
  workloadDefaults: (o: DbOptions) => promisedModelDefaults(o.workload, pgSettings(o.dbOptions, o.workload).isolation),
  create: (o: DbOptions) => {
    const s = pgSettings(o.dbOptions, o.workload);
    if (o.bug && o.workload !== 'bank-2pc') throw new FaultlineError('BAD_ARGUMENT', `bug '${o.bug}' is a bug of the bank-2pc coordinator; run it with --workload bank-2pc`, '--bug');
    return s.external ? new PostgresExternalDb(s, o.workload, o.bug) : new PostgresDb(s, o.workload, o.bug);
  },
});

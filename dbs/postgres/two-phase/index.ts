// `--db postgres-2pc`: two-phase commit across independent PostgreSQL 15 servers (one per
// participant, 2 by default), in containers or existing ones by URL, with a client-side
// coordinator faultline runs and can crash (`--nemesis coordinator-crash`). It is its own db
// because the layout differs from `--db postgres` (no primary, no replicas: every server stands
// alone) and it has a coordinator; its one workload is bank-2pc.

import { ExternalDb, parseAddresses } from '../../../src/external-db.js';
import { FaultlineError } from '../../../src/errors.js';
import { opt, type OptionValues } from '../../../src/plugin/options.js';
import { defineDb } from '../../../src/plugin/registry.js';
import { systemDb } from '../../../src/system-db.js';
import { sqlAddress } from '../../sql/conn.js';
import { isolationOption, misfit, timeoutOption } from '../../sql/options.js';
import { connectPg } from '../pg-driver.js';
import { PG_PORT, pgSystem } from '../system.js';
import { dropPgSchema } from '../target.js';
import { withCoordinator } from './control.js';

const options = {
  isolation: isolationOption('read-committed', "PostgreSQL's own"),
  url: opt.string({ placeholder: 'n1=postgres://host1/db,n2=postgres://host2/db', doc: 'existing servers instead, one per participant (tables in a per-run schema; faults on them refused)' }),
  'timeout-ms': timeoutOption(),
};
type Options = OptionValues<typeof options>;

const participantSystem = pgSystem<Options>('independent');

const serversOf = (o: Options) => (o.url === undefined ? undefined : parseAddresses(o.url, { where: '--db-option url', defaultPort: PG_PORT, schemes: ['postgres', 'postgresql'] }));

/** A participant answers and can hold prepared transactions (off unless max_prepared_transactions > 0). */
async function participantProbe(e: Parameters<typeof sqlAddress>[0], timeoutMs: number): Promise<void> {
  const c = await connectPg(sqlAddress(e, { user: 'postgres', database: 'postgres' }), { connectTimeoutMs: timeoutMs });
  try {
    const r = await c.query('SHOW max_prepared_transactions');
    if (Number(r.rows[0]?.max_prepared_transactions ?? 0) < 1) {
      throw new FaultlineError('UNSUPPORTED', 'max_prepared_transactions is 0: two-phase commit needs it above 0 (changing it needs a server restart)');
    }
  } finally {
    await c.end().catch(() => c.destroy());
  }
}

defineDb({
  name: 'postgres-2pc',
  doc: 'two-phase commit across independent PostgreSQL 15 servers (2 by default), with a client-side coordinator faultline can crash; or existing servers (url=...)',
  options,
  defaultNodes: 2,
  system: participantSystem,
  bugs: {
    'forget-participant': "the coordinator's commit decision names only the first participant, so the other branch is later rolled back by recovery (presumed abort) while the first committed",
  },
  nodeNames: ({ options: o }) => serversOf(o)?.map((e) => e.node),
  create: ({ nodes, options: o, bug, ssh }) => {
    if (nodes < 2) throw misfit(o.url === undefined ? '--nodes' : 'url', `two-phase commit needs at least two participants (got ${nodes})`);
    const servers = serversOf(o);
    const db = servers
      ? new ExternalDb({ name: 'postgres-2pc', nodes: servers, options: o, timeoutMs: o['timeout-ms'], cleanup: dropPgSchema, probe: (e) => participantProbe(e, o['timeout-ms']) })
      : systemDb(participantSystem, { options: o, ssh });
    return withCoordinator(db, bug);
  },
  clients: {
    'bank-2pc': (db) => db.coordinator.client(),
  },
});

// innodb_snapshot_isolation exists from MariaDB 10.6.18, 10.11.8 and 11.4.2 on (off by default
// before 11.8). Asked for on a server that lacks it, the run is refused with the server's
// version and the reason, before anything runs.

import { FaultlineError } from '../../src/errors.js';
import type { SqlTarget } from '../sql/conn.js';
import type { MariaSettings } from './settings.js';

export async function checkSnapshotIsolation(target: SqlTarget, settings: MariaSettings): Promise<void> {
  if (settings.snapshotIsolation === undefined) return;
  const node = target.setupNode();
  const conn = await target.connect(node).catch(async (e: unknown) => {
    const info = target.dialect.classify(e);
    if (/unknown system variable/i.test(info.message)) {
      throw new FaultlineError('UNSUPPORTED', `this MariaDB has no innodb_snapshot_isolation (${info.message}); it was added in MariaDB 10.6.18, 10.11.8 and 11.4.2`, '--db-option innodb_snapshot_isolation');
    }
    throw new FaultlineError('UNREACHABLE', `MariaDB does not answer (${info.message})`, `node ${node}`);
  });
  try {
    const r = await conn.query('SELECT @@version AS v, @@session.innodb_snapshot_isolation AS si');
    const want = settings.snapshotIsolation ? 1 : 0;
    if (Number(r.rows[0]?.si) !== want) {
      throw new FaultlineError('UNSUPPORTED', `MariaDB ${String(r.rows[0]?.v)} did not take innodb_snapshot_isolation=${want ? 'ON' : 'OFF'}`, '--db-option innodb_snapshot_isolation');
    }
  } finally {
    await conn.end().catch(() => conn.destroy());
  }
}

// A MariaDB (or MySQL) server that already runs, given by URL (`--db-option
// url=mysql://user:password@host:3306/database`). faultline starts, stops and partitions nothing
// there: kill, pause and partition are refused before the run (this db has no such methods).
// Tables carry a per-run prefix in the given database and are dropped at the end.

import { FaultlineError } from '../../src/errors.js';
import type { Client, Db, Test } from '../../src/protocols.js';
import type { SqlTarget } from '../sql/conn.js';
import { runIdent } from '../sql/settings.js';
import { mariaClient } from './clients.js';
import type { MariaSettings } from './settings.js';
import { checkSnapshotIsolation } from './snapshot-isolation.js';
import { MARIA_TABLES, mariaTarget } from './target.js';

export class MariaExternalDb implements Db {
  readonly name = 'mariadb (existing server)';
  private target?: SqlTarget;

  constructor(private readonly settings: MariaSettings) {}

  async setup(test: Test): Promise<void> {
    const ext = this.settings.external!;
    const target = mariaTarget({
      address: () => ext.addr,
      multiPrimary: false,
      firstNode: test.nodes[0]!,
      isolation: this.settings.isolation,
      timeoutMs: this.settings.timeoutMs,
      prefix: `${runIdent(test.runId)}_`,
      ...(this.settings.snapshotIsolation !== undefined ? { snapshotIsolation: this.settings.snapshotIsolation } : {}),
    });
    const { host, port, database } = ext.addr;
    await checkSnapshotIsolation(target, this.settings);
    try {
      const conn = await target.connect(test.nodes[0]!);
      await conn.end().catch(() => conn.destroy());
    } catch (e) {
      throw new FaultlineError('UNREACHABLE', `MariaDB at ${host}:${port}/${database} does not answer (${target.dialect.classify(e).message})`, `node ${test.nodes[0]}`);
    }
    this.target = target;
  }

  /** Drops the run's tables: the server is left as it was found. */
  async teardown(test: Test): Promise<void> {
    const target = this.target;
    if (!target) return;
    this.target = undefined;
    try {
      const conn = await target.connect(test.nodes[0]!);
      try {
        for (const t of MARIA_TABLES) await conn.query(`DROP TABLE IF EXISTS ${target.table(t)}`);
      } finally {
        await conn.end().catch(() => conn.destroy());
      }
    } catch (e) {
      test.log.warn(`mariadb: could not drop the run's tables: ${target.dialect.classify(e).message}`);
    }
  }

  client(workload: string, _test: Test): Client | undefined {
    if (!this.target) throw new FaultlineError('INTERNAL', 'mariadb client asked for before setup');
    return mariaClient(workload, this.target);
  }
}

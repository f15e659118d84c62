// PostgreSQL servers that already run, given by URL (`--db-option url=postgres://...`; for
// bank-2pc one per participant, comma-separated). faultline starts, stops and partitions
// nothing there: kill, pause and partition are refused before the run (this db has no such
// methods). Tables live in a per-run schema, dropped at the end. bank-2pc's coordinator is
// faultline's own process, so coordinator-crash still applies.

import { FaultlineError } from '../../src/errors.js';
import type { Client, Db, Test } from '../../src/protocols.js';
import type { SqlTarget } from '../sql/conn.js';
import { runIdent } from '../sql/settings.js';
import { pgClient } from './clients.js';
import type { PgSettings } from './settings.js';
import { pgTarget } from './target.js';
import { TwoPhaseSystem } from './two-phase/system.js';

export class PostgresExternalDb implements Db {
  readonly name = 'postgres (existing server)';
  readonly coordinator?: TwoPhaseSystem;
  private target?: SqlTarget;
  private readonly servers: NonNullable<PgSettings['external']>;

  constructor(
    private readonly settings: PgSettings,
    workload: string | undefined,
    bug: string | undefined,
  ) {
    this.servers = settings.external ?? [];
    if (workload === 'bank-2pc') this.coordinator = new TwoPhaseSystem(bug);
  }

  private address(node: string) {
    const s = this.servers.find((e) => e.node === node);
    if (!s) throw new FaultlineError('BAD_ARGUMENT', `no server for node ${node}`, '--db-option url');
    return s.addr;
  }

  async setup(test: Test): Promise<void> {
    const schema = runIdent(test.runId);
    const target = pgTarget({ address: (n) => this.address(n), primary: test.nodes[0]!, isolation: this.settings.isolation, timeoutMs: this.settings.timeoutMs, schema });
    // Every server must answer (and, for two-phase commit, allow prepared transactions) before anything runs.
    await Promise.all(
      test.nodes.map(async (node) => {
        const where = `node ${node}`;
        const { host, port, database } = this.address(node);
        let conn;
        try {
          conn = await target.connect(node);
        } catch (e) {
          throw new FaultlineError('UNREACHABLE', `PostgreSQL at ${host}:${port}/${database} does not answer (${target.dialect.classify(e).message})`, where);
        }
        try {
          if (this.coordinator) {
            const r = await conn.query('SHOW max_prepared_transactions');
            if (Number(r.rows[0]?.max_prepared_transactions ?? 0) < 1) {
              throw new FaultlineError('UNSUPPORTED', `PostgreSQL at ${host}:${port} has max_prepared_transactions = 0: two-phase commit needs it above 0 (a server restart is needed to change it)`, where);
            }
          }
        } finally {
          await conn.end().catch(() => conn.destroy());
        }
      }),
    );
    this.target = target;
    await this.coordinator?.start(test, target, test.nodes, (n) => this.address(n));
  }

  /** Stops the coordinator and drops the run's schema: the server is left as it was found. */
  async teardown(test: Test): Promise<void> {
    await this.coordinator?.stop();
    const target = this.target;
    if (!target) return;
    this.target = undefined;
    const schema = runIdent(test.runId);
    await Promise.all(
      test.nodes.map(async (node) => {
        try {
          const conn = await target.connect(node);
          try {
            await conn.query(`DROP SCHEMA IF EXISTS ${target.dialect.ident(schema)} CASCADE`);
          } finally {
            await conn.end().catch(() => conn.destroy());
          }
        } catch (e) {
          test.log.warn(`postgres: could not drop schema ${schema} on ${node}: ${target.dialect.classify(e).message}`);
        }
      }),
    );
  }

  client(workload: string, _test: Test): Client | undefined {
    if (!this.target) throw new FaultlineError('INTERNAL', 'postgres client asked for before setup');
    return pgClient(workload, this.target, this.coordinator);
  }
}

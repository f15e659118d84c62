// PostgreSQL 15 in Docker containers: one node, or a primary (n1) with streaming replicas
// (n2..), asynchronous or synchronous (every replica applies a commit before it returns); or,
// for bank-2pc, independent servers, one per participant, with a two-phase-commit coordinator.
// Every container fault applies (partition, kill, pause); there is no automatic failover, so a
// killed primary is simply down until it restarts.

import { FaultlineError } from '../../src/errors.js';
import type { Client, Test } from '../../src/protocols.js';
import { ContainerDb, type NodeSpecs } from '../sql/container-db.js';
import type { SqlTarget } from '../sql/conn.js';
import { pgClient } from './clients.js';
import type { PgSettings } from './settings.js';
import { pgTarget } from './target.js';
import { TwoPhaseSystem } from './two-phase/system.js';

const BIN = '/usr/lib/postgresql/15/bin';
const PORT = 5432;

export class PostgresDb extends ContainerDb {
  readonly name = 'postgres';
  /** bank-2pc: the client-side coordinator (faults: coordinator-crash). */
  readonly coordinator?: TwoPhaseSystem;
  private target?: SqlTarget;

  constructor(
    private readonly settings: PgSettings,
    workload: string | undefined,
    bug: string | undefined,
  ) {
    super();
    if (workload === 'bank-2pc') this.coordinator = new TwoPhaseSystem(bug);
  }

  private get isTwoPc(): boolean {
    return this.coordinator !== undefined;
  }

  protected nodeSpecs(test: Test): NodeSpecs {
    const [primary, ...replicas] = test.nodes;
    if (this.settings.synchronous && replicas.length === 0) {
      throw new FaultlineError('BAD_ARGUMENT', 'synchronous replication needs replicas (replicas=N or --nodes N+1)', '--db-option synchronous');
    }
    const independent = this.isTwoPc;
    const settings = [
      'listen_addresses=*', `port=${PORT}`, 'shared_buffers=16MB', 'max_connections=120',
      // Prepared transactions are off by default; a standby needs at least the primary's number.
      'max_prepared_transactions=64', 'jit=off', 'wal_level=replica', 'max_wal_senders=10',
      'wal_keep_size=64MB', 'hot_standby=on', 'deadlock_timeout=200ms', 'log_min_messages=warning',
      'log_line_prefix=%m [%p] ', 'unix_socket_directories=/run/postgresql',
      ...(this.settings.synchronous && !independent ? [`synchronous_standby_names=ANY ${replicas.length} (*)`, 'synchronous_commit=remote_apply'] : []),
    ];
    return {
      system: 'postgres',
      command: () => ['/usr/local/bin/pg-node', ...settings.flatMap((s) => ['-c', s])],
      env: (node, ips): Record<string, string> => (independent || node === primary ? { PG_ROLE: 'primary' } : { PG_ROLE: 'replica', PG_PRIMARY: ips[primary!]! }),
      // pg_isready answers 0 only once the server accepts connections (a standby: once consistent).
      readyTimeoutMs: 240_000,
      wait: { command: [`${BIN}/pg_isready`, '-q', '-h', '127.0.0.1', '-p', String(PORT), '-U', 'postgres'] },
    };
  }

  protected override async afterUp(test: Test): Promise<void> {
    const address = (node: string) => ({ host: this.ip(node), port: PORT, user: 'postgres', database: 'postgres' });
    this.target = pgTarget({
      address,
      primary: test.nodes[0]!,
      isolation: this.settings.isolation,
      timeoutMs: this.settings.timeoutMs,
    });
    await this.coordinator?.start(test, this.target, test.nodes, address);
  }

  protected override async beforeDown(_test: Test): Promise<void> {
    await this.coordinator?.stop();
  }

  client(workload: string, _test: Test): Client | undefined {
    if (!this.target) throw new FaultlineError('INTERNAL', 'postgres client asked for before setup');
    return pgClient(workload, this.target, this.coordinator);
  }

  /** The primary (n1) when it runs replicas; independent servers have none to single out. */
  async primaries(test: Test): Promise<string[]> {
    return this.isTwoPc ? [] : [test.nodes[0]!];
  }

}

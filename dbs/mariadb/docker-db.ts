// MariaDB 10.11 in Docker containers: one server, or a Galera 4 cluster (every node takes
// writes; a node cut off from the majority refuses them). Every container fault applies
// (partition, kill, pause). A Galera node is ready once it is Synced with the cluster.

import { FaultlineError } from '../../src/errors.js';
import type { Client, Test } from '../../src/protocols.js';
import { ContainerDb, type NodeSpecs } from '../sql/container-db.js';
import type { SqlTarget } from '../sql/conn.js';
import { mariaClient } from './clients.js';
import type { MariaSettings } from './settings.js';
import { checkSnapshotIsolation } from './snapshot-isolation.js';
import { mariaTarget } from './target.js';

const PORT = 3306;
const SQL_AS_ROOT = (sql: string) => `mariadb --protocol=socket -uroot -N -e "${sql}"`;

export class MariaDb extends ContainerDb {
  readonly name = 'mariadb';
  private target?: SqlTarget;

  constructor(private readonly settings: MariaSettings) {
    super();
  }

  protected nodeSpecs(test: Test): NodeSpecs {
    const galera = this.settings.galera;
    const first = test.nodes[0]!;
    const common = [
      `--port=${PORT}`, '--bind-address=0.0.0.0', '--skip-name-resolve', '--socket=/run/mysqld/mysqld.sock',
      '--innodb-buffer-pool-size=32M', '--innodb-log-file-size=8M', '--performance-schema=OFF',
      '--max-connections=200', '--character-set-server=utf8mb4',
    ];
    return {
      system: 'mariadb',
      command: (node, ips) => [
        '/usr/local/bin/mariadb-node',
        ...common,
        ...(galera
          ? [
              '--wsrep-on=ON', '--wsrep-provider=/usr/lib/galera/libgalera_smm.so',
              `--wsrep-cluster-address=gcomm://${test.nodes.map((n) => ips[n]).join(',')}`,
              `--wsrep-node-address=${ips[node]}`, `--wsrep-node-name=${node}`, `--wsrep-cluster-name=faultline-${test.runId}`,
              '--binlog-format=ROW', '--default-storage-engine=InnoDB', '--innodb-autoinc-lock-mode=2',
              '--wsrep-sst-method=rsync', '--wsrep-provider-options=gcache.size=16M',
            ]
          : []),
      ],
      env: (node, ips): Record<string, string> => (galera ? { MARIADB_GALERA: '1', ...(node === first ? { MARIADB_BOOTSTRAP: '1' } : { MARIADB_JOIN: ips[first]! }) } : {}),
      wait: galera
        ? { command: ['sh', '-c', `${SQL_AS_ROOT("SHOW GLOBAL STATUS LIKE 'wsrep_local_state_comment'")} | grep -q Synced`] }
        : { command: ['sh', '-c', SQL_AS_ROOT('SELECT 1')] },
      // Joiners receive the first node's state one after another (rsync): minutes on a busy machine.
      readyTimeoutMs: galera ? 420_000 : 120_000,
    };
  }

  protected override async afterUp(test: Test): Promise<void> {
    const target = mariaTarget({
      address: (node) => ({ host: this.ip(node), port: PORT, user: 'faultline', database: 'faultline' }),
      multiPrimary: this.settings.galera,
      firstNode: test.nodes[0]!,
      isolation: this.settings.isolation,
      timeoutMs: this.settings.timeoutMs,
      ...(this.settings.snapshotIsolation !== undefined ? { snapshotIsolation: this.settings.snapshotIsolation } : {}),
      ...(this.settings.syncWait !== undefined ? { syncWait: this.settings.syncWait } : {}),
    });
    await checkSnapshotIsolation(target, this.settings);
    this.target = target;
  }

  client(workload: string, _test: Test): Client | undefined {
    if (!this.target) throw new FaultlineError('INTERNAL', 'mariadb client asked for before setup');
    return mariaClient(workload, this.target);
  }
}

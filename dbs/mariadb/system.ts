// MariaDB 10.11 (Debian's) as a declared system: one server, or a Galera 4 cluster where every
// node takes writes. A node's data directory is made at its first start on its volume: a copy of
// the empty one built into the image (with the network user `faultline`, no password: the
// network is private to the run), or mariadb-install-db where there is none (a machine over SSH).
//
// Galera start-up: the first node bootstraps a new cluster from the empty data directory, with
// a saved state (grastate.dat) naming a cluster id derived from the run id. The others start
// with an empty directory, wait until the first node serves, join and receive its data by a full
// state transfer (rsync; a few dozen MB). Joining with a copy of the same empty state does not
// work: Galera 4 orders each membership change, so the cluster is already past position 0 when a
// joiner arrives, and the incremental transfer onto a hand-made saved state ends in "Application
// received wrong state" and an abort. A killed node restarts from its volume and catches up from
// a peer: an incremental transfer from the donor's cache, or a full transfer when that is gone.

import { createHash } from 'node:crypto';
import type { SystemSpec } from '../../src/system.js';

const DATA = '/var/lib/faultline/data';
const SEED = '/usr/share/faultline/mysql-seed';
export const MARIADB_PORT = 3306;

/** Server settings the empty data directory is made with and every node runs with. */
const INNODB = ['--innodb-buffer-pool-size=32M', '--innodb-log-file-size=8M'];

/** An empty data directory in `dir` with the `faultline` user and database (run as root). */
const install = (dir: string) =>
  `mariadb-install-db --no-defaults --user=mysql --datadir=${dir} --skip-test-db --auth-root-authentication-method=socket ${INNODB.join(' ')} >/dev/null` +
  // Privilege tables are not loaded in bootstrap mode: flush first, then create the user.
  ` && printf '%s\\n' "USE mysql;" "FLUSH PRIVILEGES;" "CREATE USER 'faultline'@'%';" "GRANT ALL PRIVILEGES ON *.* TO 'faultline'@'%' WITH GRANT OPTION;" "CREATE DATABASE faultline;"` +
  ` | mariadbd --no-defaults --bootstrap --user=mysql --datadir=${dir} ${INNODB.join(' ')} >/dev/null 2>&1`;

// $1...: mariadbd settings. GALERA_UUID: this run's cluster id and GALERA_BOOTSTRAP=1 on the
// first node (Galera only); GALERA_FIRST: the first node's address, which a joiner waits for.
const NODE_SCRIPT = `set -eu
D=${DATA}/mysql
mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld ${DATA}
if [ -n "\${GALERA_FIRST:-}" ]; then
  if [ ! -e "$D/grastate.dat" ]; then
    # A joiner's first start: its data directory is filled by its first state transfer.
    mkdir -p "$D" && chown mysql:mysql "$D"
    until bash -c "echo >/dev/tcp/$GALERA_FIRST/${MARIADB_PORT}" 2>/dev/null; do sleep 0.3; done
  fi
elif [ ! -d "$D/mysql" ]; then
  rm -rf "$D.new"
  if [ -d ${SEED} ]; then cp -a ${SEED} "$D.new"; else ${install('"$D.new"')}; fi
  if [ -n "\${GALERA_UUID:-}" ]; then
    printf '# GALERA saved state\\nversion: 2.1\\nuuid:    %s\\nseqno:   0\\nsafe_to_bootstrap: 1\\n' "$GALERA_UUID" > "$D.new/grastate.dat"
    chown mysql:mysql "$D.new/grastate.dat"
  fi
  mv "$D.new" "$D"
  if [ "\${GALERA_BOOTSTRAP:-0}" = 1 ]; then set -- "$@" --wsrep-new-cluster; fi
fi
# --no-defaults: Debian's configuration files play no part; everything is on the command line.
exec mariadbd --no-defaults --user=mysql --datadir="$D" "$@"`;

/** A Galera cluster id (a UUID) that is the same on every node of a run and differs between runs. */
export function galeraUuid(runId: string): string {
  const h = createHash('sha256').update(`faultline-galera-${runId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/**
 * The Galera group name: Galera's handshake carries at most 32 characters of it (a longer one
 * makes every join fail with "handling gmcast protocol message failed"), so a long run id is
 * replaced by a digest of it.
 */
export function galeraClusterName(runId: string): string {
  const plain = `faultline-${runId}`;
  return plain.length <= 32 ? plain : `faultline-${galeraUuid(runId).replace(/-/g, '').slice(0, 22)}`;
}

const asRoot = (sql: string) => `mariadb --protocol=socket -uroot -N -e "${sql}"`;

export function mariadbSystem<O extends { galera: boolean }>(): SystemSpec<O> {
  return {
    name: 'mariadb',
    // rsync: Galera's full state transfer, when a restarted node cannot catch up incrementally.
    packages: ['mariadb-server', 'galera-4', 'rsync'],
    imageSteps: [`RUN rm -rf /var/lib/mysql/* /usr/share/mysql/mysql-test && mkdir -p /usr/share/faultline && ${install(SEED)}`],
    clientPort: MARIADB_PORT,
    dataPath: DATA,
    command: ({ node, nodes, addresses, runId, options }) => [
      'sh', '-c', NODE_SCRIPT, 'mariadb-node',
      `--port=${MARIADB_PORT}`, '--bind-address=0.0.0.0', '--skip-name-resolve', '--socket=/run/mysqld/mysqld.sock',
      ...INNODB, '--performance-schema=OFF', '--max-connections=200', '--character-set-server=utf8mb4',
      ...(options.galera
        ? [
            '--wsrep-on=ON', '--wsrep-provider=/usr/lib/galera/libgalera_smm.so',
            `--wsrep-cluster-address=gcomm://${nodes.map((n) => addresses[n]).join(',')}`,
            `--wsrep-node-address=${addresses[node]}`, `--wsrep-node-name=${node}`, `--wsrep-cluster-name=${galeraClusterName(runId)}`,
            '--binlog-format=ROW', '--default-storage-engine=InnoDB', '--innodb-autoinc-lock-mode=2',
            '--wsrep-sst-method=rsync', '--wsrep-provider-options=gcache.size=16M',
          ]
        : []),
    ],
    env: ({ node, nodes, addresses, runId, options }): Record<string, string> =>
      options.galera ? (node === nodes[0] ? { GALERA_UUID: galeraUuid(runId), GALERA_BOOTSTRAP: '1' } : { GALERA_FIRST: addresses[nodes[0]!]! }) : {},
    // A Galera node is ready once it is Synced with the cluster; a single server once it answers.
    wait: { command: ['sh', '-c', `${asRoot("SHOW GLOBAL STATUS LIKE 'wsrep_local_state_comment'")} | grep -q Synced || ${asRoot("SELECT @@wsrep_on")} | grep -qx 0`] },
    readyTimeoutMs: 240_000,
    clock: 'libfaketime',
  };
}

// PostgreSQL 15 (Debian's) as a declared system: a primary (n1) with streaming replicas, or
// independent servers (two-phase commit's participants). A node's cluster is made at its first
// start on its data volume: a copy of the empty cluster built into the image (initdb where there
// is none, e.g. on a machine over SSH), or, for a replica, a base backup of the primary. A killed
// node restarts from the same volume (crash recovery, or a replica resuming its stream). The
// network is private to the run, so connections are trusted.

import type { SystemSpec } from '../../src/system.js';

const BIN = '/usr/lib/postgresql/15/bin';
const DATA = '/var/lib/faultline/data';
const SEED = '/usr/share/faultline/pg-seed';
export const PG_PORT = 5432;

/** An empty cluster in `dir` that trusts the run's network (run as root; initdb runs as postgres). */
const initdb = (dir: string, extra = '') =>
  `setpriv --reuid=postgres --regid=postgres --init-groups ${BIN}/initdb -D ${dir} -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 ${extra} >/dev/null` +
  ` && echo "host all all 0.0.0.0/0 trust" >> ${dir}/pg_hba.conf && echo "host replication all 0.0.0.0/0 trust" >> ${dir}/pg_hba.conf`;

// $1...: -c settings for postgres. PG_PRIMARY: the primary's address, for a replica.
const NODE_SCRIPT = `set -eu
D=${DATA}/pg
mkdir -p /run/postgresql && chown postgres:postgres /run/postgresql ${DATA}
if [ ! -s "$D/PG_VERSION" ]; then
  rm -rf "$D.new"
  if [ -n "\${PG_PRIMARY:-}" ]; then
    # The primary may still be starting: retry until it hands out a base backup.
    until setpriv --reuid=postgres --regid=postgres --init-groups ${BIN}/pg_basebackup -h "$PG_PRIMARY" -U postgres -D "$D.new" -X stream -R -c fast >/dev/null 2>${DATA}/basebackup.err; do
      rm -rf "$D.new"; sleep 0.5
    done
  elif [ -d ${SEED} ]; then
    cp -a ${SEED} "$D.new"
  else
    ${initdb('"$D.new"')}
  fi
  mv "$D.new" "$D"
fi
exec setpriv --reuid=postgres --regid=postgres --init-groups ${BIN}/postgres -D "$D" "$@"`;

/**
 * Replicated: n1 is the primary and every other node streams from it (synchronously where the
 * options say so); independent: each node stands alone. `fsync`: whether the server fsyncs (its
 * default, on; off only to show what a power failure then costs).
 */
export function pgSystem<O>(layout: 'replicated' | 'independent', synchronous: (o: O) => boolean = () => false, fsync: (o: O) => boolean = () => true): SystemSpec<O> {
  const replicated = layout === 'replicated';
  return {
    name: 'postgres',
    packages: ['postgresql-15'],
    // Debian's install made a cluster nodes never use; an empty one is kept to copy at first start.
    // (LLVM stays: removing it in a later layer would not shrink the image; nodes run with jit=off.)
    imageSteps: [`RUN pg_dropcluster 15 main && mkdir -p /usr/share/faultline && chown postgres:postgres /usr/share/faultline && ${initdb(SEED, '--no-sync')}`],
    clientPort: PG_PORT,
    dataPath: DATA,
    command: ({ nodes, options }) => {
      const replicas = replicated ? nodes.length - 1 : 0;
      const settings = [
        'listen_addresses=*', `port=${PG_PORT}`, 'shared_buffers=16MB', 'max_connections=120',
        // Prepared transactions are off by default; a standby needs at least the primary's number.
        'max_prepared_transactions=64', 'jit=off', 'wal_level=replica', 'max_wal_senders=10',
        'wal_keep_size=64MB', 'hot_standby=on', 'deadlock_timeout=200ms', 'log_min_messages=warning',
        'log_line_prefix=%m [%p] ', 'unix_socket_directories=/run/postgresql',
        // Written out, so a run's command line shows it; off also skips the fsync of commits.
        `fsync=${fsync(options) ? 'on' : 'off'}`,
        // Commits return once every replica has applied them.
        ...(synchronous(options) && replicas > 0 ? [`synchronous_standby_names=ANY ${replicas} (*)`, 'synchronous_commit=remote_apply'] : []),
      ];
      return ['sh', '-c', NODE_SCRIPT, 'pg-node', ...settings.flatMap((s) => ['-c', s])];
    },
    env: ({ node, nodes, addresses }): Record<string, string> => (replicated && node !== nodes[0] ? { PG_PRIMARY: addresses[nodes[0]!]! } : {}),
    // pg_isready answers 0 only once the server accepts connections (a standby: once consistent).
    wait: { command: [`${BIN}/pg_isready`, '-q', '-h', '127.0.0.1', '-p', String(PG_PORT), '-U', 'postgres'] },
    readyTimeoutMs: 240_000,
    // There is no failover: the primary is n1 for the whole run.
    ...(replicated ? { primaries: async (nodes) => [nodes.nodes[0]!] } : {}),
    clock: 'libfaketime',
  };
}

#!/bin/sh
# Starts one PostgreSQL node of a faultline run. At first start it makes the node's cluster on
# the data volume: `initdb` for a primary or standalone node, `pg_basebackup` from the primary
# (PG_PRIMARY) for a streaming replica (PG_ROLE=replica). A killed node restarts from the same
# volume (crash recovery, or a replica resuming its stream). Arguments are passed to `postgres`
# (-c settings). The network is private to the run, so connections are trusted.
set -eu
BIN=/usr/lib/postgresql/15/bin
VOL=/var/lib/faultline/data
DATA=$VOL/pg
as_pg() { setpriv --reuid=postgres --regid=postgres --init-groups "$@"; }

chown postgres:postgres "$VOL"
if [ ! -s "$DATA/PG_VERSION" ]; then
  rm -rf "$DATA.new"
  if [ "${PG_ROLE:-primary}" = replica ]; then
    # The primary may still be starting: retry until it hands out a base backup.
    until as_pg "$BIN/pg_basebackup" -h "$PG_PRIMARY" -U postgres -D "$DATA.new" -X stream -R -c fast >/dev/null 2>"$VOL/basebackup.err"; do
      rm -rf "$DATA.new"
      sleep 0.5
    done
  else
    as_pg "$BIN/initdb" -D "$DATA.new" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    {
      echo "host all all 0.0.0.0/0 trust"
      echo "host replication all 0.0.0.0/0 trust"
    } >>"$DATA.new/pg_hba.conf"
  fi
  mv "$DATA.new" "$DATA"
fi
exec setpriv --reuid=postgres --regid=postgres --init-groups "$BIN/postgres" -D "$DATA" "$@"

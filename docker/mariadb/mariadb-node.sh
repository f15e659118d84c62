#!/bin/sh
# Starts one MariaDB node of a faultline run. At first start it makes the data directory on the
# node's volume and a network user `faultline` (no password: the network is private to the
# run). With Galera (MARIADB_GALERA=1), the first node (MARIADB_BOOTSTRAP=1) starts a new
# cluster the first time; the others wait until it serves clients (MARIADB_JOIN) and join it,
# receiving its state (rsync), so they install nothing themselves. Every later start (after a
# kill) joins the running cluster and catches up from a peer. Arguments go to `mariadbd`.
set -eu
VOL=/var/lib/faultline/data
DATA=$VOL/mysql

chown mysql:mysql "$VOL"
FIRSTARGS=
if [ "${MARIADB_GALERA:-0}" = 1 ] && [ "${MARIADB_BOOTSTRAP:-0}" != 1 ]; then
  if [ ! -e "$DATA/grastate.dat" ]; then
    # A joiner's data directory is replaced by its first state transfer: nothing to install.
    mkdir -p "$DATA" && chown mysql:mysql "$DATA"
    until bash -c "echo >/dev/tcp/$MARIADB_JOIN/3306" 2>/dev/null; do sleep 0.3; done
  fi
elif [ ! -d "$DATA/mysql" ]; then
  rm -rf "$DATA.new"
  mariadb-install-db --no-defaults --user=mysql --datadir="$DATA.new" --skip-test-db --auth-root-authentication-method=socket >"$VOL/install.log" 2>&1
  # Privilege tables are not loaded in bootstrap mode: flush first, then create the user.
  printf '%s\n' "USE mysql;" "FLUSH PRIVILEGES;" \
    "CREATE USER 'faultline'@'%';" "GRANT ALL PRIVILEGES ON *.* TO 'faultline'@'%' WITH GRANT OPTION;" \
    "CREATE DATABASE faultline;" \
    | mariadbd --no-defaults --bootstrap --user=mysql --datadir="$DATA.new" >>"$VOL/install.log" 2>&1
  mv "$DATA.new" "$DATA"
  if [ "${MARIADB_GALERA:-0}" = 1 ]; then FIRSTARGS=--wsrep-new-cluster; fi
fi
# --no-defaults: Debian's configuration files play no part; everything is on the command line.
exec mariadbd --no-defaults --user=mysql --datadir="$DATA" "$@" $FIRSTARGS

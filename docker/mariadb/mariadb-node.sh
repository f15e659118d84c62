#!/bin/sh
# Starts one MariaDB node of a faultline run. At first start it makes the data directory on the
# node's volume and a network user `faultline` (no password: the network is private to the
# run). With Galera, the node named by MARIADB_BOOTSTRAP=1 starts a new cluster the first time
# only (no grastate.dat yet); every later start, and every other node, joins the cluster and
# receives its state from a donor (a joiner's first start waits for the first node, MARIADB_JOIN).
# Arguments are passed to `mariadbd`.
set -eu
VOL=/var/lib/faultline/data
DATA=$VOL/mysql

chown mysql:mysql "$VOL"
if [ -n "${MARIADB_JOIN:-}" ] && [ ! -e "$DATA/grastate.dat" ]; then
  # A joiner's data directory is replaced by its first state transfer: nothing to install.
  mkdir -p "$DATA" && chown mysql:mysql "$DATA"
elif [ ! -d "$DATA/mysql" ]; then
  rm -rf "$DATA.new"
  mariadb-install-db --no-defaults --user=mysql --datadir="$DATA.new" --skip-test-db --auth-root-authentication-method=socket >"$VOL/install.log" 2>&1
  # Privilege tables are not loaded in bootstrap mode: flush first, then create the user.
  printf '%s\n' "USE mysql;" "FLUSH PRIVILEGES;" \
    "CREATE USER 'faultline'@'%';" "GRANT ALL PRIVILEGES ON *.* TO 'faultline'@'%' WITH GRANT OPTION;" \
    "CREATE DATABASE faultline;" \
    | mariadbd --no-defaults --bootstrap --user=mysql --datadir="$DATA.new" --wsrep-on=OFF >>"$VOL/install.log" 2>&1
  mv "$DATA.new" "$DATA"
fi
NEW=
if [ ! -e "$DATA/grastate.dat" ]; then
  if [ "${MARIADB_BOOTSTRAP:-0}" = 1 ]; then
    NEW=--wsrep-new-cluster
  elif [ -n "${MARIADB_JOIN:-}" ]; then
    # First start of a joiner: wait until the cluster's first node serves clients.
    until bash -c "echo >/dev/tcp/$MARIADB_JOIN/3306" 2>/dev/null; do sleep 0.3; done
  fi
fi
# --no-defaults: Debian's configuration files play no part; everything is on the command line.
exec mariadbd --no-defaults --user=mysql --datadir="$DATA" $NEW "$@"

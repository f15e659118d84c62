#!/bin/sh
# Starts one MariaDB node of a faultline run. At first start it makes the data directory on the
# node's volume and a network user `faultline` (no password: the network is private to the
# run). With Galera, the node named by MARIADB_BOOTSTRAP=1 starts a new cluster the first time
# only (no grastate.dat yet); every later start, and every other node, joins the cluster and
# receives its state from a donor. Arguments are passed to `mariadbd`.
set -eu
VOL=/var/lib/faultline/data
DATA=$VOL/mysql

chown mysql:mysql "$VOL"
if [ ! -d "$DATA/mysql" ]; then
  rm -rf "$DATA.new"
  mariadb-install-db --user=mysql --datadir="$DATA.new" --skip-test-db --auth-root-authentication-method=socket >"$VOL/install.log" 2>&1
  # Privilege tables are not loaded in bootstrap mode: flush first, then create the user.
  printf '%s\n' "USE mysql;" "FLUSH PRIVILEGES;" \
    "CREATE USER 'faultline'@'%';" "GRANT ALL PRIVILEGES ON *.* TO 'faultline'@'%' WITH GRANT OPTION;" \
    "CREATE DATABASE faultline;" \
    | mariadbd --bootstrap --user=mysql --datadir="$DATA.new" --wsrep-on=OFF >>"$VOL/install.log" 2>&1
  mv "$DATA.new" "$DATA"
fi
NEW=
if [ "${MARIADB_BOOTSTRAP:-0}" = 1 ] && [ ! -e "$DATA/grastate.dat" ]; then NEW=--wsrep-new-cluster; fi
exec mariadbd --user=mysql --datadir="$DATA" $NEW "$@"

#!/bin/sh
# Starts one Redis node: redis-server, and a Sentinel beside it when SENTINEL_CONF is set.
# faultline passes the configuration in the environment (REDIS_CONF, SENTINEL_CONF). Both files
# are written to the data volume only on the first start: Sentinel and `REPLICAOF` rewrite them
# after a failover, and a node restarted after a kill must come back with what it last knew.
set -eu
DATA=/var/lib/faultline/data
cd "$DATA"
[ -f "$DATA/redis.conf" ] || printf '%s\n' "$REDIS_CONF" > "$DATA/redis.conf"
# No libfaketime here: redis-server 7.0 deadlocks at start under it (see REDIS_CLOCK in dbs/redis/index.ts).
if [ -n "${SENTINEL_CONF:-}" ]; then
  [ -f "$DATA/sentinel.conf" ] || printf '%s\n' "$SENTINEL_CONF" > "$DATA/sentinel.conf"
  redis-sentinel "$DATA/sentinel.conf" &
fi
exec redis-server "$DATA/redis.conf"

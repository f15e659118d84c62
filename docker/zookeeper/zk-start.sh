#!/bin/sh
# Starts one ZooKeeper server. faultline passes the whole configuration in the environment:
# ZK_CFG (zoo.cfg text), ZK_MYID, ZK_HEAP (e.g. 256m). With FAULTLINE_FAKETIME=1 the JVM runs under
# libfaketime, reading its offset from /etc/faultline/faketime (written by faultline's clock faults).
set -eu
DATA=/var/lib/faultline/data
mkdir -p "$DATA/zk" "$DATA/zk-log"
printf '%s\n' "$ZK_MYID" > "$DATA/zk/myid"
printf '%s\n' "$ZK_CFG" > /etc/faultline/zoo.cfg
cat > /etc/faultline/log4j.properties <<'LOG'
log4j.rootLogger=INFO, CONSOLE
log4j.appender.CONSOLE=org.apache.log4j.ConsoleAppender
log4j.appender.CONSOLE.layout=org.apache.log4j.PatternLayout
log4j.appender.CONSOLE.layout.ConversionPattern=%d{ISO8601} [myid:%X{myid}] - %-5p [%t:%C{1}@%L] - %m%n
LOG
[ -f /etc/faultline/faketime ] || echo '+0' > /etc/faultline/faketime
# Only the server's own jars (the directory holds several SLF4J bindings; log4j 1.2 is the one wanted).
J=/usr/share/java
CP=/etc/faultline
for jar in zookeeper zookeeper-jute slf4j-api slf4j-log4j12 log4j-1.2 commons-cli commons-io metrics-core snappy-java \
  jackson-core jackson-databind jackson-annotations netty-buffer netty-codec netty-common netty-handler netty-resolver \
  netty-transport netty-transport-native-epoll netty-transport-native-unix-common; do
  CP="$CP:$J/$jar.jar"
done
set -- java -Xmx"${ZK_HEAP:-256m}" -Xms32m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 -XX:ActiveProcessorCount=1 -Xshare:auto \
  -Dlog4j.configuration=file:/etc/faultline/log4j.properties \
  -Dzookeeper.4lw.commands.whitelist=srvr,mntr,stat,ruok,conf,cons \
  -cp "$CP" org.apache.zookeeper.server.quorum.QuorumPeerMain /etc/faultline/zoo.cfg
if [ "${FAULTLINE_FAKETIME:-0}" = 1 ]; then
  export LD_PRELOAD=/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1
  # FAKETIME_FORCE_MONOTONIC_FIX=0: otherwise libfaketime parses glibc's version (sscanf) in every
  # pthread_cond_timedwait, and the JVM, which waits on timed conditions all the time, barely runs.
  export FAKETIME_TIMESTAMP_FILE=/etc/faultline/faketime FAKETIME_CACHE_DURATION=1 DONT_FAKE_MONOTONIC=1 FAKETIME_FORCE_MONOTONIC_FIX=0
fi
exec "$@"

// The ZooKeeper suite: an ensemble of Debian's ZooKeeper 3.8 (3 or 5 nodes) in containers or on
// machines over SSH, one session per client bound to one server, for register, set, lock and
// queue. Every fault comes from the system layer; clocks are real here (ZooKeeper is a Java server
// and honours libfaketime). The leader is found with the `srvr` four-letter word. Or an existing
// ensemble by address (--db-option hosts=...), where nothing is faulted.

import { FaultlineError } from '../../src/errors.js';
import type { Test } from '../../src/protocols.js';
import { systemDb } from '../../src/system-db.js';
import { ExternalDb, parseAddresses, type ExternalNode } from '../../src/external-db.js';
import { defineDb } from '../../src/plugin/registry.js';
import type { NodeExec, SystemSpec } from '../../src/system.js';
import { CLIENT_PORT, clientConfig, ZK_OPTIONS, type ZkSettings } from './settings.js';
import { fourLetter, modeOf, zkLeaders } from './four-letter.js';
import { ZkQueueClient, ZkRegisterClient, ZkSetClient } from './clients.js';
import { ZkLockClient } from './lock-recipe.js';

const DATA = '/var/lib/faultline/data';
/**
 * Configuration lives outside the data directory: under the power fault lazyfs is mounted over
 * the data directory (hiding whatever was put there before) and a power failure drops its
 * unsynced files. The node's id is copied into dataDir (where ZooKeeper reads it) at each start.
 */
const CONF = '/etc/faultline/zookeeper';
/** Only the server's own jars: /usr/share/java holds several SLF4J bindings, and log4j 1.2 is the one wanted. */
const JARS = ['zookeeper', 'zookeeper-jute', 'slf4j-api', 'slf4j-log4j12', 'log4j-1.2', 'commons-cli', 'commons-io', 'metrics-core', 'snappy-java',
  'jackson-core', 'jackson-databind', 'jackson-annotations', 'netty-buffer', 'netty-codec', 'netty-common', 'netty-handler', 'netty-resolver',
  'netty-transport', 'netty-transport-native-epoll', 'netty-transport-native-unix-common'];
const LOG4J = [
  'log4j.rootLogger=INFO, CONSOLE',
  'log4j.appender.CONSOLE=org.apache.log4j.ConsoleAppender',
  'log4j.appender.CONSOLE.layout=org.apache.log4j.PatternLayout',
  'log4j.appender.CONSOLE.layout.ConversionPattern=%d{ISO8601} [myid:%X{myid}] - %-5p [%t:%C{1}@%L] - %m%n',
  '',
].join('\n');

/** zoo.cfg of the ensemble (the same on every node; each node's id is in its myid file). */
export function zooCfg(nodes: readonly string[], addresses: Readonly<Record<string, string>>, s: ZkSettings): string {
  return [
    `tickTime=${s['tick-ms']}`,
    // Generous: on a small shared machine a JVM may need many ticks to load a snapshot and sync.
    'initLimit=30',
    'syncLimit=5',
    `dataDir=${DATA}/zk`,
    `dataLogDir=${DATA}/zk-log`,
    `clientPort=${CLIENT_PORT}`,
    'maxClientCnxns=0',
    'admin.enableServer=false',
    'standaloneEnabled=false',
    '4lw.commands.whitelist=srvr,mntr,stat,ruok,conf,cons',
    ...nodes.map((n, i) => `server.${i + 1}=${addresses[n]}:2888:3888;${CLIENT_PORT}`),
    '',
  ].join('\n');
}

/** Throws unless the server answers `srvr` with a mode (it joined a quorum and serves clients). */
async function serving(e: { host: string; port: number }, timeoutMs: number): Promise<void> {
  const answer = await fourLetter(e.host, e.port, 'srvr', timeoutMs);
  if (modeOf(answer)) return;
  const hint = /not in the whitelist/.test(answer) ? ' (add srvr to 4lw.commands.whitelist)' : '';
  throw new Error(`not serving: ${answer.trim().slice(0, 200) || 'no answer to srvr'}${hint}`);
}

/** The client port opens early: wait until every server serves, polled from here (cheap). */
async function waitServing(nodes: NodeExec, test: Test, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const node of nodes.nodes) {
    for (;;) {
      try {
        await serving({ host: nodes.address(node), port: CLIENT_PORT }, 2000);
        break;
      } catch (e) {
        if (test.signal.aborted) throw new FaultlineError('INTERRUPTED', 'interrupted during setup');
        if (Date.now() > deadline) throw new FaultlineError('UNREACHABLE', `ZooKeeper does not serve after ${timeoutMs} ms (${(e as Error).message})`, node);
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

export const zookeeperSystem: SystemSpec<ZkSettings> = {
  name: 'zookeeper',
  // A headless JRE and the server's jars: the `zookeeper` package would pull a desktop JRE for its init scripts.
  packages: ['openjdk-17-jre-headless', 'libzookeeper-java'],
  // A class-data-sharing archive makes each JVM start faster (the machine is small and shared).
  imageSteps: ['RUN java -Xshare:dump >/dev/null 2>&1 || true'],
  clientPort: CLIENT_PORT,
  dataPath: DATA,
  // What the storage faults (power, bitflip/truncate) aim at, relative to dataPath.
  dataFiles: { txnlog: 'zk-log/version-2/log.*', snapshot: 'zk/version-2/snapshot.*' },
  files: ({ node, nodes, addresses, options }) => ({
    [`${CONF}/zoo.cfg`]: zooCfg(nodes, addresses, options),
    [`${CONF}/log4j.properties`]: LOG4J,
    [`${CONF}/myid`]: `${nodes.indexOf(node) + 1}\n`,
  }),
  // A lean JVM for a small shared machine; the configuration directory first on the classpath.
  // The id goes into dataDir first (idempotent: the same file on every start).
  command: ({ options }) => [
    'sh', '-c', `mkdir -p ${DATA}/zk && cp ${CONF}/myid ${DATA}/zk/myid && exec "$@"`, 'zookeeper',
    'java', `-Xmx${options['heap-mb']}m`, '-Xms32m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-XX:CICompilerCount=1', '-XX:ActiveProcessorCount=1', '-Xshare:auto',
    `-Dlog4j.configuration=file:${CONF}/log4j.properties`,
    '-cp', [CONF, ...JARS.map((j) => `/usr/share/java/${j}.jar`)].join(':'), 'org.apache.zookeeper.server.quorum.QuorumPeerMain', `${CONF}/zoo.cfg`,
  ],
  // Under libfaketime: otherwise it parses glibc's version (sscanf) in every pthread_cond_timedwait,
  // and the JVM, which waits on timed conditions all the time, barely runs.
  env: () => ({ FAKETIME_FORCE_MONOTONIC_FIX: '0' }),
  wait: { port: CLIENT_PORT },
  readyTimeoutMs: 180_000,
  afterStart: (nodes, test) => waitServing(nodes, test, 180_000),
  primaries: (nodes) => zkLeaders(nodes.nodes, (n) => ({ host: nodes.address(n), port: CLIENT_PORT })),
  clock: 'libfaketime',
};

const hostsOf = (o: ZkSettings): ExternalNode[] | undefined =>
  o.hosts === undefined ? undefined : parseAddresses(o.hosts, { where: '--db-option hosts', defaultPort: CLIENT_PORT });

defineDb({
  name: 'zookeeper',
  doc: "ZooKeeper 3.8 (Debian's) ensemble in containers, or an existing one (hosts=...)",
  options: ZK_OPTIONS,
  defaultNodes: 3,
  system: zookeeperSystem,
  nodeNames: ({ options: o }) => hostsOf(o)?.map((e) => e.node),
  create: ({ options: o, ssh }) => {
    const nodes = hostsOf(o);
    if (!nodes) return systemDb(zookeeperSystem, { options: o, ssh });
    return new ExternalDb({
      name: 'zookeeper', nodes, options: o, timeoutMs: o['timeout-ms'],
      probe: (e) => serving(e, o['timeout-ms']),
      primaries: (db, test) => zkLeaders(test.nodes, (n) => db.endpoint(n)),
    });
  },
  clients: {
    register: (db, test) => new ZkRegisterClient(clientConfig(db, test)),
    set: (db, test) => new ZkSetClient(clientConfig(db, test)),
    lock: (db, test) => new ZkLockClient(clientConfig(db, test)),
    queue: (db, test) => new ZkQueueClient(clientConfig(db, test)),
  },
});

// The etcd suite: Debian's etcd-server 3.4 in containers (3 nodes by default), or an existing
// cluster given by address, with clients bound to one node each. etcd is a Go program and reads
// the clock through the vDSO, which libfaketime cannot reach: clock faults go through clockshift
// (the vDSO hidden, wall-clock system calls answered with the offset). Its WAL segments, bbolt
// database and snapshots are the files corruption faults damage.

import { systemDb } from '../../src/system-db.js';
import { ExternalDb, parseAddresses } from '../../src/external-db.js';
import { opt, type OptionValues } from '../../src/plugin/options.js';
import { defineDb } from '../../src/plugin/registry.js';
import type { SystemSpec } from '../../src/system.js';
import { EtcdListAppendClient, EtcdRegisterClient, EtcdSetClient, etcdConfig, etcdHealthy, etcdLeaders, etcdUrl } from './clients.js';
import { EtcdLockClient } from './lease-lock.js';

const options = {
  reads: opt.enum(['linearizable', 'serializable'], { default: 'linearizable', doc: "serializable reads are served by one node alone (etcd's non-quorum reads: stale under partitions)" }),
  'timeout-ms': opt.number({ min: 100, default: 5000, unit: 'ms', doc: 'client request timeout' }),
  'lock-ttl': opt.number({ min: 1, default: 5, unit: 's', doc: 'lease TTL of the lock workload' }),
  'heartbeat-ms': opt.number({ min: 10, default: 100, unit: 'ms', doc: 'raft heartbeat interval' }),
  'election-ms': opt.number({ min: 50, default: 1000, unit: 'ms', doc: 'raft election timeout' }),
  endpoints: opt.string({ doc: 'test an existing cluster instead (faults refused; keys under faultline/<run id>/)', placeholder: 'n1=http://host:2379,...' }),
};
type Options = OptionValues<typeof options>;
const DATA = '/var/lib/faultline/data';

export const etcdSystem: SystemSpec<Options> = {
  name: 'etcd',
  packages: ['etcd-server', 'etcd-client'],
  clientPort: 2379,
  dataPath: DATA,
  // On restart etcd ignores the initial-cluster flags and uses its data dir.
  command: ({ node, nodes, addresses, runId, options: o }) => [
    'etcd', '--name', node, '--data-dir', `${DATA}/etcd`,
    '--listen-client-urls', 'http://0.0.0.0:2379', '--advertise-client-urls', `http://${addresses[node]}:2379`,
    '--listen-peer-urls', 'http://0.0.0.0:2380', '--initial-advertise-peer-urls', `http://${addresses[node]}:2380`,
    '--initial-cluster', nodes.map((n) => `${n}=http://${addresses[n]}:2380`).join(','),
    '--initial-cluster-state', 'new', '--initial-cluster-token', `faultline-${runId}`,
    '--heartbeat-interval', String(o['heartbeat-ms']), '--election-timeout', String(o['election-ms']),
    '--logger', 'zap', '--log-outputs', 'stderr',
  ],
  // /health answers true only once the member sees a leader and can serve.
  wait: { http: { port: 2379, path: '/health', body: /"health":\s*"true"/ } },
  primaries: (nodes) => etcdLeaders(nodes.nodes, (n) => etcdUrl(nodes.reach(n, 2379))),
  clock: 'clockshift',
  dataFiles: { wal: 'etcd/member/wal/*.wal', db: 'etcd/member/snap/db', snapshot: 'etcd/member/snap/*.snap' },
  // etcd3 closes a channel that is still connecting only after up to 1 s (a grpc-js workaround).
  teardownGraceMs: 1500,
};

const endpointsOf = (o: Options) => o.endpoints === undefined ? undefined : parseAddresses(o.endpoints, { where: '--db-option endpoints', defaultPort: 2379, schemes: ['http', 'https'] });

defineDb({
  name: 'etcd',
  doc: "etcd 3.4 (Debian's etcd-server) in containers, or an existing cluster (endpoints=...)",
  options,
  defaultNodes: 3,
  system: etcdSystem,
  nodeNames: ({ options: o }) => endpointsOf(o)?.map((e) => e.node),
  create: ({ options: o, ssh }) => {
    const nodes = endpointsOf(o);
    if (!nodes) return systemDb(etcdSystem, { options: o, ssh });
    return new ExternalDb({
      name: 'etcd', nodes, options: o, timeoutMs: o['timeout-ms'],
      probe: (e) => etcdHealthy(etcdUrl(e), o['timeout-ms']),
      primaries: (db, test) => etcdLeaders(test.nodes, (n) => etcdUrl(db.endpoint(n))),
    });
  },
  clients: {
    register: (db, test) => new EtcdRegisterClient(etcdConfig(db, test)),
    set: (db, test) => new EtcdSetClient(etcdConfig(db, test)),
    lock: (db, test) => new EtcdLockClient(etcdConfig(db, test)),
    'list-append': (db, test) => new EtcdListAppendClient(etcdConfig(db, test)),
  },
});

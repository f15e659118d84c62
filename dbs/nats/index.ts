// The NATS suite: Debian's nats-server 2.9 with JetStream in containers, three nodes in one
// cluster (routes to every node's address, a cluster name per run), file storage on the data
// volume. The kafka workload runs on a limits stream (one subject per key, offsets are stream
// sequence numbers) with committed offsets in a KV bucket; the queue workload on a work-queue
// stream with one durable pull consumer. Streams have `replicas` copies. Primaries are the
// leaders of the workload's streams, from each node's monitoring endpoint. Clock faults are
// refused: nats-server is a Go program.

import { systemDb } from '../../src/system-db.js';
import { FaultlineError } from '../../src/errors.js';
import { opt, type OptionValues } from '../../src/plugin/options.js';
import { defineDb } from '../../src/plugin/registry.js';
import type { SystemSpec } from '../../src/system.js';
import { NatsKafkaClient, NatsQueueClient, STREAMS } from './clients.js';

const options = {
  replicas: opt.number({ integer: true, min: 1, max: 5, default: 3, doc: 'copies of each stream (JetStream replicas; at most the node count)' }),
  'timeout-ms': opt.number({ min: 100, max: 4500, default: 3000, unit: 'ms', doc: 'client request timeout' }),
  'poll-max': opt.number({ integer: true, min: 1, max: 1000, default: 10, doc: 'messages a poll returns per key at most' }),
};
export type NatsOptions = OptionValues<typeof options>;

const DATA = '/var/lib/faultline/data';

export const natsSystem: SystemSpec<NatsOptions> = {
  name: 'nats',
  packages: ['nats-server'],
  clientPort: 4222,
  dataPath: DATA,
  files: ({ node, nodes, addresses, runId }) => ({
    '/etc/nats/faultline.conf': [
      `server_name: ${node}`,
      'listen: 0.0.0.0:4222',
      'http: 0.0.0.0:8222',
      `jetstream { store_dir: "${DATA}/jetstream", max_memory_store: 64MB, max_file_store: 1GB }`,
      `cluster { name: "fl-${runId}", listen: 0.0.0.0:6222, routes: [${nodes.map((n) => `"nats-route://${addresses[n]}:6222"`).join(', ')}] }`,
      '',
    ].join('\n'),
  }),
  command: () => ['nats-server', '-c', '/etc/nats/faultline.conf'],
  // Keep each Go runtime small on a shared two-core machine.
  env: () => ({ GOMAXPROCS: '1', GOMEMLIMIT: '256MiB' }),
  // /healthz answers ok once JetStream is up and the node knows the cluster's meta leader.
  wait: { http: { port: 8222, path: '/healthz', body: /ok/ } },
  readyTimeoutMs: 90_000,
  // Paused minorities and restarted nodes take a while to serve again: faults end when they do.
  recoveryWaitMs: 60_000,
  primaries: async (nodes) => {
    const leaders = new Set<string>();
    await Promise.all(
      nodes.nodes.map(async (n) => {
        try {
          const res = await fetch(`http://${nodes.address(n)}:8222/jsz?accounts=true&streams=true`, { signal: AbortSignal.timeout(2000) });
          const jsz = (await res.json()) as { account_details?: Array<{ stream_detail?: Array<{ name: string; cluster?: { leader?: string } }> }> };
          for (const a of jsz.account_details ?? []) for (const s of a.stream_detail ?? []) if (STREAMS.includes(s.name) && s.cluster?.leader) leaders.add(s.cluster.leader);
        } catch {
          // A paused or cut-off node does not answer: the others do.
        }
      }),
    );
    return [...leaders].filter((l) => nodes.nodes.includes(l)).sort();
  },
  clock: { unsupported: 'nats-server is written in Go and reads the clock through the vDSO, not libc, so libfaketime cannot skew it' },
  logFiles: [],
  teardownGraceMs: 500,
};

defineDb({
  name: 'nats',
  doc: "NATS JetStream 2.9 (Debian's nats-server) in containers: replicated streams for the kafka and queue workloads",
  options,
  defaultNodes: 3,
  system: natsSystem,
  create: ({ options: o, ssh, nodes }) => {
    if (o.replicas > nodes) throw new FaultlineError('BAD_ARGUMENT', `${o.replicas} replicas need at least ${o.replicas} nodes (the run has ${nodes})`, '--db-option replicas');
    return systemDb(natsSystem, { options: o, ssh });
  },
  clients: {
    kafka: (db) => new NatsKafkaClient(db),
    queue: (db) => new NatsQueueClient(db),
  },
});

// The RabbitMQ suite: Debian's rabbitmq-server 3.10 in containers, three nodes clustered at first
// boot by classic-config peer discovery (the other nodes wait for the first, then join it; node
// names rabbit@<node>: container hostnames resolve on the run's network; one Erlang cookie per
// run; the membership is checked before the run starts), one durable queue: a quorum queue (Raft, replicated on
// every node) or a classic one (lives on the node that declared it). Partitions are handled with
// pause_minority, RabbitMQ's recommendation for three nodes, and a 10 s net tick so a cut is seen
// within a short test. The Erlang VM is kept small: one scheduler, no busy waiting.

import { systemDb } from '../../src/system-db.js';
import { opt, type OptionValues } from '../../src/plugin/options.js';
import { defineDb } from '../../src/plugin/registry.js';
import { FaultlineError } from '../../src/errors.js';
import type { NodeExec, SystemSpec } from '../../src/system.js';
import { RabbitQueueClient } from './client.js';

const options = {
  queue: opt.enum(['quorum', 'classic'], { default: 'quorum', doc: 'quorum: replicated on every node (Raft); classic: one durable queue on the first node, not replicated' }),
  'timeout-ms': opt.number({ min: 100, max: 4500, default: 3000, unit: 'ms', doc: 'client timeout for a confirm, a get or a connection' }),
  'memory-mb': opt.number({ integer: true, min: 128, default: 400, unit: 'MiB', doc: "each node's memory high watermark (publishers are blocked above it)" }),
};
export type RabbitOptions = OptionValues<typeof options>;

const DATA = '/var/lib/faultline/data';
const CTL = '/usr/lib/rabbitmq/bin/rabbitmqctl';
export const QUEUE = 'faultline';

/** Runs rabbitmqctl on a node; throws with its output when it fails. */
async function ctl(nodes: NodeExec, node: string, args: string[], timeoutMs = 60_000): Promise<string> {
  const r = await nodes.exec(node, [CTL, ...args], timeoutMs);
  if (r.exitCode !== 0) throw new FaultlineError('UNREACHABLE', `rabbitmqctl ${args.join(' ')} failed: ${(r.stderr || r.stdout).trim().slice(0, 500)}`, node);
  return r.stdout;
}

export const rabbitSystem: SystemSpec<RabbitOptions> = {
  name: 'rabbitmq',
  packages: ['rabbitmq-server'],
  clientPort: 5672,
  dataPath: DATA,
  files: ({ node, nodes, options: o }) => ({
    '/etc/rabbitmq/rabbitmq.conf': [
      'listeners.tcp.default = 5672',
      'loopback_users = none',
      'cluster_partition_handling = pause_minority',
      'heartbeat = 2',
      `vm_memory_high_watermark.absolute = ${o['memory-mb']}MiB`,
      'disk_free_limit.absolute = 50MB',
      'log.console = true',
      'log.console.level = info',
      'log.file = false',
      ...(node === nodes[0] ? [] : ['cluster_formation.peer_discovery_backend = classic_config', `cluster_formation.classic_config.nodes.1 = rabbit@${nodes[0]}`]),
      '',
    ].join('\n'),
  }),
  // The cookie is written on every start (same value): the server and rabbitmqctl read it. On its
  // first boot (no database yet) a node other than the first waits until the first one serves,
  // so that peer discovery finds it and joins; restarted nodes rejoin from their own database.
  command: ({ node, nodes }) => [
    'bash', '-c',
    'umask 077 && printf %s "$FAULTLINE_COOKIE" > /root/.erlang.cookie && ' +
      (node === nodes[0] ? '' : `{ [ -d "$RABBITMQ_MNESIA_BASE/rabbit@${node}" ] || until (exec 3<>/dev/tcp/${nodes[0]}/5672) 2>/dev/null; do sleep 0.5; done; } && `) +
      'exec /usr/lib/rabbitmq/bin/rabbitmq-server',
  ],
  env: ({ node, runId }) => ({
    FAULTLINE_COOKIE: `faultline-${runId}`,
    HOME: '/root',
    RABBITMQ_NODENAME: `rabbit@${node}`,
    RABBITMQ_MNESIA_BASE: `${DATA}/mnesia`,
    RABBITMQ_CONFIG_FILE: '/etc/rabbitmq/rabbitmq.conf',
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: '+S 1:1 +SDio 2 +A 4 +sbwt none +sbwtdcpu none +sbwtdio none -kernel net_ticktime 10',
    RABBITMQ_CTL_ERL_ARGS: '+S 1:1 +sbwt none',
  }),
  wait: { port: 5672 },
  readyTimeoutMs: 120_000,
  // Paused minorities and restarted nodes take a while to serve again: faults end when they do.
  recoveryWaitMs: 120_000,
  afterStart: async (nodes) => {
    const first = nodes.nodes[0]!;
    const status = JSON.parse(await ctl(nodes, first, ['cluster_status', '--formatter', 'json'])) as { running_nodes?: string[] };
    const missing = nodes.nodes.filter((n) => !status.running_nodes?.includes(`rabbit@${n}`));
    if (missing.length) throw new FaultlineError('UNREACHABLE', `nodes ${missing.join(', ')} did not join the cluster (running: ${status.running_nodes?.join(', ') ?? 'none'})`, first);
  },
  // The node that leads the quorum queue, or where the classic queue lives; asked of each node in
  // turn (a paused or cut-off node may not answer).
  primaries: async (nodes, test) => {
    for (const n of nodes.nodes) {
      const r = await nodes.exec(n, [CTL, 'list_queues', '-q', '--no-table-headers', '--timeout', '5', 'name', 'type', 'leader', 'pid'], 8000).catch(() => undefined);
      if (!r || r.exitCode !== 0) continue;
      for (const line of r.stdout.split('\n')) {
        const [name, type, leader, pid] = line.trim().split(/\t/);
        if (name !== queueName(test.runId)) continue;
        const owner = type === 'quorum' ? leader : pid?.match(/<([^.]+)\./)?.[1];
        const node = owner?.replace(/^rabbit@/, '');
        return node && nodes.nodes.includes(node) ? [node] : [];
      }
    }
    return [];
  },
  clock: 'libfaketime',
  teardownGraceMs: 500,
};

/** The run's queue: one per run, so a shared node never mixes two runs. */
export const queueName = (runId: string): string => `${QUEUE}-${runId}`;

defineDb({
  name: 'rabbitmq',
  doc: "RabbitMQ 3.10 (Debian's rabbitmq-server) in containers: a quorum or classic queue, publisher confirms, manual acks",
  options,
  defaultNodes: 3,
  system: rabbitSystem,
  create: ({ options: o, ssh }) => systemDb(rabbitSystem, { options: o, ssh }),
  clients: {
    queue: (db, test) => new RabbitQueueClient(db, queueName(test.runId)),
  },
});

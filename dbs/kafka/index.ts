// Kafka, for users who have a cluster: `--db kafka --db-option brokers=host:9092,...` drives the
// kafka and queue workloads against it (kafkajs), in topics and consumer groups named after the
// run; faultline starts and faults nothing there (every fault is refused up front). Kafka cannot
// be installed where faultline is developed, so these clients are untested (see the README).

import { ExternalDb, parseAddresses } from '../../src/external-db.js';
import { FaultlineError } from '../../src/errors.js';
import { opt, type OptionValues } from '../../src/plugin/options.js';
import { defineDb } from '../../src/plugin/registry.js';
import type { Test } from '../../src/protocols.js';
import { KafkaLogClient, KafkaQueueClient, type KafkaConfig } from './client.js';

const options = {
  brokers: opt.string({ doc: 'the bootstrap brokers of an existing cluster (required)', placeholder: 'host:9092,...' }),
  partitions: opt.number({ integer: true, min: 1, max: 1024, default: 8, doc: "partitions of the kafka workload's topic: one per key, so at least its keys" }),
  'replication-factor': opt.number({ integer: true, min: 1, default: 3, doc: "replicas of the run's topics" }),
  'timeout-ms': opt.number({ min: 100, max: 4500, default: 3000, unit: 'ms', doc: 'client request timeout' }),
  'poll-max': opt.number({ integer: true, min: 1, max: 1000, default: 10, doc: 'messages a poll returns per key at most' }),
};
type Options = OptionValues<typeof options>;

const brokersOf = (o: Options) => {
  if (o.brokers === undefined) throw new FaultlineError('BAD_ARGUMENT', 'Kafka runs only as an existing cluster here: give its brokers (brokers=host:9092,...)', '--db-option brokers');
  const brokers = parseAddresses(o.brokers, { where: '--db-option brokers', defaultPort: 9092 });
  // kafkajs takes host:port; a URL would be sent on as a host name and fail only at connect.
  const url = brokers.find((b) => b.url !== undefined);
  if (url) throw new FaultlineError('BAD_ARGUMENT', `'${url.url}': a broker is host:port, not a URL`, `--db-option brokers (${url.node})`);
  return brokers;
};

const config = (db: ExternalDb<Options>, test: Test): KafkaConfig => ({
  brokers: test.nodes.map((n) => `${db.endpoint(n).host}:${db.endpoint(n).port}`),
  prefix: `faultline-${test.runId}`,
  partitions: db.options.partitions,
  replicationFactor: db.options['replication-factor'],
  timeoutMs: db.options['timeout-ms'],
  pollMax: db.options['poll-max'],
});

defineDb({
  name: 'kafka',
  doc: 'an existing Kafka cluster (brokers=...): kafka and queue workloads through kafkajs, in topics of the run; not tested against a real broker (see the README)',
  options,
  defaultNodes: 3,
  nodeNames: ({ options: o }) => (o.brokers === undefined ? undefined : brokersOf(o).map((b) => b.node)),
  create: ({ options: o }) => new ExternalDb({ name: 'kafka', nodes: brokersOf(o), options: o, timeoutMs: o['timeout-ms'] }),
  clients: {
    kafka: (db, test) => new KafkaLogClient(config(db, test)),
    queue: (db, test) => new KafkaQueueClient(config(db, test)),
  },
});

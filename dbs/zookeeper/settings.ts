// ZooKeeper's declared `--db-option` settings, and the client configuration every workload's
// client is built from (the same for an ensemble faultline runs and an existing one).

import type { Test } from '../../src/protocols.js';
import type { Endpoints } from '../../src/docker/container-db.js';
import { opt, parseOptions, type OptionValues } from '../../src/plugin/options.js';
import type { ZkClientConfig } from './clients.js';

export const CLIENT_PORT = 2181;

export const ZK_OPTIONS = {
  reads: opt.enum(['plain', 'sync'], { default: 'plain', doc: 'sync: a sync before every read (linearizable reads); plain: the server answers from its own state' }),
  'timeout-ms': opt.number({ min: 100, default: 3000, unit: 'ms', doc: 'per-request timeout of the clients' }),
  'session-timeout-ms': opt.number({ min: 500, default: 4000, unit: 'ms', doc: 'session timeout asked by the clients: the lease of the lock recipe' }),
  'lock-wait-ms': opt.number({ min: 0, default: 1000, unit: 'ms', doc: 'how long an acquire waits in the lock queue before withdrawing' }),
  'tick-ms': opt.number({ min: 100, default: 1000, unit: 'ms', doc: "servers' tickTime (sessions may last 2 to 20 ticks)" }),
  'heap-mb': opt.number({ min: 64, default: 256, doc: 'JVM heap per server (MB)' }),
  hosts: opt.string({ doc: 'test an existing ensemble instead (faults refused; znodes under /faultline/<run id>)', placeholder: 'n1=host:2181,...' }),
};
export type ZkSettings = OptionValues<typeof ZK_OPTIONS>;

/** Parsed settings from `--db-option` pairs (for driving the db directly, as tests do). */
export function zkSettings(raw: Record<string, string>): ZkSettings {
  return parseOptions(ZK_OPTIONS, raw, { flag: '--db-option', owner: 'db zookeeper' });
}

/** The clients' configuration on a db (containers, machines or an existing ensemble); znodes under /faultline/<run id>. */
export function clientConfig(db: Endpoints<ZkSettings>, test: Test): ZkClientConfig {
  const s = db.options;
  return {
    endpoint: (node) => {
      const e = db.endpoint(node);
      return `${e.host}:${e.port}`;
    },
    root: `/faultline/${test.runId}`,
    reads: s.reads as 'plain' | 'sync',
    timeoutMs: s['timeout-ms'],
    sessionTimeoutMs: s['session-timeout-ms'],
    lockWaitMs: s['lock-wait-ms'],
  };
}

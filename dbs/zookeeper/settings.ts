// ZooKeeper's declared `--db-option` settings and the client of each workload (shared by the
// container ensemble and an existing one).

import type { Client } from '../../src/protocols.js';
import { opt, parseOptions, type OptionValues } from '../../src/plugin/options.js';
import { ZkQueueClient, ZkRegisterClient, ZkSetClient, type ZkClientConfig } from './clients.js';
import { ZkLockClient } from './lock-recipe.js';

export const ZK_WORKLOADS = ['register', 'set', 'lock', 'queue'] as const;
export const CLIENT_PORT = 2181;
export const DATA = '/var/lib/faultline/data';

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

/** The client of a workload, or undefined if ZooKeeper has none for it. */
export function zkClient(workload: string, cfg: ZkClientConfig): Client | undefined {
  switch (workload) {
    case 'register': return new ZkRegisterClient(cfg);
    case 'set': return new ZkSetClient(cfg);
    case 'lock': return new ZkLockClient(cfg);
    case 'queue': return new ZkQueueClient(cfg);
    default: return undefined;
  }
}

export function clientConfig(s: ZkSettings, endpoint: (node: string) => string, root: string): ZkClientConfig {
  return { endpoint, root, reads: s.reads as 'plain' | 'sync', timeoutMs: s['timeout-ms'], sessionTimeoutMs: s['session-timeout-ms'], lockWaitMs: s['lock-wait-ms'] };
}

// ZooKeeper's declared `--db-option` settings and the client of each workload (shared by the
// container ensemble and an existing one).

import type { Client } from '../../src/protocols.js';
import { parseOptions, type Parsed } from '../db-options.js';
import { ZkQueueClient, ZkRegisterClient, ZkSetClient, type ZkClientConfig } from './clients.js';
import { ZkLockClient } from './lock-recipe.js';

export const ZK_WORKLOADS = ['register', 'set', 'lock', 'queue'] as const;
export const CLIENT_PORT = 2181;
export const DATA = '/var/lib/faultline/data';

export const ZK_OPTIONS = {
  reads: { kind: 'enum', values: ['plain', 'sync'], default: 'plain', doc: 'sync: a sync before every read (linearizable reads); plain: the server answers from its own state' },
  'timeout-ms': { kind: 'number', default: 3000, min: 100, doc: 'per-request timeout of the clients' },
  'session-timeout-ms': { kind: 'number', default: 4000, min: 500, doc: 'session timeout asked by the clients: the lease of the lock recipe' },
  'lock-wait-ms': { kind: 'number', default: 1000, min: 0, doc: 'how long an acquire waits in the lock queue before withdrawing' },
  'tick-ms': { kind: 'number', default: 1000, min: 100, doc: "servers' tickTime (sessions may last 2 to 20 ticks)" },
  'heap-mb': { kind: 'number', default: 256, min: 64, doc: 'JVM heap per server' },
  hosts: { kind: 'string', doc: 'an existing ensemble: n1=host:2181,... (nothing is started or faulted)' },
} as const;
export type ZkSettings = Parsed<typeof ZK_OPTIONS>;

export function zkSettings(opts: Record<string, string>): ZkSettings {
  return parseOptions('zookeeper', ZK_OPTIONS, opts);
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

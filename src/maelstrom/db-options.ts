// What every Maelstrom-protocol db plugin (raft, gossip, maelstrom/--bin) declares alike: the
// client request timeout option, and one client per workload from MaelstromDb.

import type { Client } from '../protocols.js';
import { opt } from '../plugin/options.js';
import type { MaelstromDb } from './db.js';
import type { MaelstromWorkload } from './workload-client.js';

export const maelstromDbOptions = {
  'timeout-ms': opt.number({ min: 1, default: 1000, unit: 'ms', doc: 'client request timeout: past it an op is indefinite (info)' }),
};

/** The clients map of a db plugin whose nodes speak these workloads. */
export function maelstromClients(workloads: readonly MaelstromWorkload[]): Record<string, (db: MaelstromDb) => Client> {
  return Object.fromEntries(workloads.map((w) => [w, (db: MaelstromDb) => db.client(w)]));
}

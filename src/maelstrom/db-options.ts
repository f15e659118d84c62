// What every Maelstrom-protocol db plugin (raft, gossip, maelstrom/--bin) declares alike: the
// client request timeout option, and one client per workload from MaelstromDb.

import type { Client } from '../protocols.js';
import { opt, type OptionValues } from '../plugin/options.js';
import type { MaelstromDb, MaelstromDbSpec } from './db.js';
import type { MaelstromWorkload } from './workload-client.js';

export const maelstromDbOptions = {
  'timeout-ms': opt.number({ min: 1, default: 1000, unit: 'ms', doc: 'client request timeout: past it an op is indefinite (info)' }),
  latency: opt.number({ min: 0, default: 0, unit: 'ms', doc: "mean latency of node-to-node messages (Maelstrom's --latency)" }),
  'latency-dist': opt.enum(['constant', 'uniform', 'exponential'] as const, { default: 'constant', doc: 'distribution of the latency: constant, uniform on [0, 2×mean], exponential' }),
  'log-stderr': opt.boolean({ default: false, doc: "also print each node's stderr in faultline's output (it always goes to the node's log)" }),
};

/** The MaelstromDbSpec fields these options set. */
export function maelstromSpecOptions(o: OptionValues<typeof maelstromDbOptions>): Pick<MaelstromDbSpec, 'requestTimeoutMs' | 'latency' | 'logStderr'> {
  return { requestTimeoutMs: o['timeout-ms'], latency: { meanMs: o.latency, dist: o['latency-dist'] }, logStderr: o['log-stderr'] };
}

/** The clients map of a db plugin whose nodes speak these workloads. */
export function maelstromClients(workloads: readonly MaelstromWorkload[]): Record<string, (db: MaelstromDb) => Client> {
  return Object.fromEntries(workloads.map((w) => [w, (db: MaelstromDb) => db.client(w)]));
}

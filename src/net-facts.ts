// Network facts of a run, as Maelstrom's net stats: how many messages the network carried between
// servers, between clients and servers, and to services, in all and by message type, and those
// counts divided by the number of client operations ("msgs-per-op"). A Db that routes messages
// itself (src/maelstrom/) counts them (NetRecord); the run divides by its client ops and stores
// the result in results.json under `net`; the report shows it.

import type { History } from './history.js';

/** Who talked: servers to servers, anything with a client end, nodes to a service (lin-kv, ...). */
export const NET_GROUPS = ['all', 'servers', 'clients', 'services'] as const;
export type NetGroup = (typeof NET_GROUPS)[number];

export interface NetCounts {
  /** Messages the network took (sent). */
  sent: number;
  delivered: number;
  /** Dropped by a partition, random loss, or because the receiver was down. */
  dropped: number;
  /** Sent messages by body type. */
  byType: Record<string, number>;
}

/** Where the message log (for the report's diagram) went. */
export interface NetLogInfo {
  /** File name, relative to the run directory. */
  file: string;
  /** Messages written. */
  messages: number;
  /** True when the log stopped at its bound (later messages are counted, not logged). */
  truncated: boolean;
  error?: string;
}

/** What a routing Db counted during a run. */
export interface NetRecord {
  groups: Record<NetGroup, NetCounts>;
  /** Client requests the network refused because their node was not running (not messages). */
  refused: number;
  log?: NetLogInfo;
}

export interface NetGroupFacts extends NetCounts {
  /** sent / client ops; null without client ops. */
  msgsPerOp: number | null;
  /** byType / client ops. */
  byTypePerOp: Record<string, number>;
}

/** results.json `net`. */
export interface NetFacts {
  /** Client operations (invocations) the counts are divided by. */
  clientOps: number;
  groups: Record<NetGroup, NetGroupFacts>;
  refused: number;
  log?: NetLogInfo;
}

export function emptyCounts(): NetCounts {
  return { sent: 0, delivered: 0, dropped: 0, byType: {} };
}

/** Client operations in a history: invocations by client processes (the nemesis excluded). */
export function clientOpCount(history: History): number {
  let n = 0;
  for (const op of history) if (op.type === 'invoke' && typeof op.process === 'number') n++;
  return n;
}

const round = (x: number): number => Math.round(x * 1000) / 1000;

/** Divides a record's counts by the run's client ops. */
export function netFacts(record: NetRecord, clientOps: number): NetFacts {
  const groups = {} as Record<NetGroup, NetGroupFacts>;
  for (const g of NET_GROUPS) {
    const c = record.groups[g] ?? emptyCounts();
    const byTypePerOp: Record<string, number> = {};
    if (clientOps > 0) for (const [t, k] of Object.entries(c.byType)) byTypePerOp[t] = round(k / clientOps);
    groups[g] = { ...c, byType: { ...c.byType }, msgsPerOp: clientOps > 0 ? round(c.sent / clientOps) : null, byTypePerOp };
  }
  return { clientOps, groups, refused: record.refused, ...(record.log ? { log: record.log } : {}) };
}

/** Whether a value read back from results.json looks like NetFacts (the report trusts nothing). */
export function isNetFacts(x: unknown): x is NetFacts {
  if (!x || typeof x !== 'object') return false;
  const f = x as NetFacts;
  return typeof f.clientOps === 'number' && !!f.groups && typeof f.groups === 'object' && NET_GROUPS.every((g) => f.groups[g] && typeof f.groups[g].sent === 'number');
}

// Message counts of the Router (Maelstrom's net stats): each message is counted once when the
// network takes it, in `all` and in its group (servers: node to node; clients: a client at either
// end; services: a node talking to lin-kv & co.), by body type; then as delivered or dropped.
// Memory is one counter per group and type, however long the run.

import { emptyCounts, NET_GROUPS, type NetCounts, type NetGroup, type NetRecord } from '../net-facts.js';

export type EndpointKind = 'node' | 'client' | 'service';

/** The group of a message between endpoints of these kinds (undefined: never registered). */
export function groupOf(src: EndpointKind | undefined, dest: EndpointKind | undefined): Exclude<NetGroup, 'all'> {
  if (src === 'client' || dest === 'client') return 'clients';
  if (src === 'service' || dest === 'service') return 'services';
  return 'servers';
}

export class NetStats {
  private readonly groups: Record<NetGroup, NetCounts>;
  /** Client requests refused because their node was not running (retried; not messages). */
  refused = 0;

  constructor() {
    this.groups = {} as Record<NetGroup, NetCounts>;
    for (const g of NET_GROUPS) this.groups[g] = emptyCounts();
  }

  sent(group: Exclude<NetGroup, 'all'>, type: string): void {
    for (const c of [this.groups.all, this.groups[group]]) {
      c.sent++;
      c.byType[type] = (c.byType[type] ?? 0) + 1;
    }
  }

  resolved(group: Exclude<NetGroup, 'all'>, delivered: boolean): void {
    const k = delivered ? 'delivered' : 'dropped';
    this.groups.all[k]++;
    this.groups[group][k]++;
  }

  /** A copy of the counts (for results.json). */
  record(): NetRecord {
    const groups = {} as Record<NetGroup, NetCounts>;
    for (const g of NET_GROUPS) groups[g] = { ...this.groups[g], byType: { ...this.groups[g].byType } };
    return { groups, refused: this.refused };
  }
}

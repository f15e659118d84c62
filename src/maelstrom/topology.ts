// Maelstrom's broadcast topologies: which nodes each node should talk to, sent to every node in a
// `topology` message before the broadcast workload starts. line, grid (the default, as
// Maelstrom's), tree (= tree2), tree2/tree3/tree4 and total.

import { badArgument } from '../errors.js';

export const TOPOLOGIES = ['line', 'grid', 'tree', 'tree2', 'tree3', 'tree4', 'total'] as const;
export type TopologyName = (typeof TOPOLOGIES)[number];
export const DEFAULT_TOPOLOGY: TopologyName = 'grid';

export function isTopology(s: string): s is TopologyName {
  return (TOPOLOGIES as readonly string[]).includes(s);
}

/** node → its neighbours (symmetric; a node is never its own neighbour). */
export function topology(name: string, nodes: readonly string[]): Record<string, string[]> {
  if (!isTopology(name)) throw badArgument(`unknown topology '${name}' (known: ${TOPOLOGIES.join(', ')})`, '--topology');
  const n = nodes.length;
  const links = new Map<number, Set<number>>(nodes.map((_, i) => [i, new Set<number>()]));
  const link = (a: number, b: number): void => {
    if (a === b || a < 0 || b < 0 || a >= n || b >= n) return;
    links.get(a)!.add(b);
    links.get(b)!.add(a);
  };
  if (name === 'line') {
    for (let i = 1; i < n; i++) link(i - 1, i);
  } else if (name === 'grid') {
    const side = Math.max(1, Math.ceil(Math.sqrt(n)));
    for (let i = 0; i < n; i++) {
      if ((i + 1) % side !== 0) link(i, i + 1); // right neighbour on the same row
      link(i, i + side); // the one below
    }
  } else if (name === 'total') {
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) link(i, j);
  } else {
    const k = name === 'tree' ? 2 : Number(name.slice(4));
    for (let i = 1; i < n; i++) link(i, Math.floor((i - 1) / k));
  }
  return Object.fromEntries(nodes.map((id, i) => [id, [...links.get(i)!].sort((a, b) => a - b).map((j) => nodes[j]!)]));
}

// Grudges: who drops whose messages. Built from components (each node drops every node outside
// its own component) or from per-node views, for the standard partition shapes.

import type { Grudge } from '../src/protocols.js';
import type { Rng } from '../src/rng.js';

/** Every node drops messages from all nodes outside its component. */
export function complete(components: string[][]): Grudge {
  const all = components.flat();
  const g: Grudge = {};
  for (const comp of components) {
    const inside = new Set(comp);
    for (const n of comp) g[n] = all.filter((m) => !inside.has(m));
  }
  return g;
}

/** Two random halves (the smaller first). */
export function halves(nodes: string[], rng: Rng): Grudge {
  const s = rng.shuffle(nodes);
  const k = Math.floor(s.length / 2);
  return complete([s.slice(0, k), s.slice(k)]);
}

/** One random node cut off from the rest. */
export function isolateOne(nodes: string[], rng: Rng): Grudge {
  const s = rng.shuffle(nodes);
  return complete([[s[0]!], s.slice(1)]);
}

/**
 * Two halves joined by one bridge node that sees both sides (Jepsen's bridge): each side plus the
 * bridge is a majority, but the two sides cannot talk.
 */
export function bridge(nodes: string[], rng: Rng): Grudge {
  const s = rng.shuffle(nodes);
  const k = Math.floor(s.length / 2);
  const a = s.slice(0, k);
  const b = s.slice(k + 1);
  const g: Grudge = {};
  for (const n of a) g[n] = [...b];
  for (const n of b) g[n] = [...a];
  g[s[k]!] = [];
  return g;
}

/**
 * Every node sees a majority (itself and its ring neighbours), and no two nodes see the same
 * majority (Jepsen's majorities-ring).
 */
export function majoritiesRing(nodes: string[], rng: Rng): Grudge {
  const s = rng.shuffle(nodes);
  const n = s.length;
  const majority = Math.floor(n / 2) + 1;
  const g: Grudge = {};
  s.forEach((node, i) => {
    const sees = new Set<string>();
    const from = i - Math.floor((majority - 1) / 2);
    for (let j = 0; j < majority; j++) sees.add(s[(((from + j) % n) + n) % n]!);
    g[node] = s.filter((m) => !sees.has(m));
  });
  return g;
}

/** The given nodes (e.g. primaries) each alone, the rest together. */
export function isolate(nodes: string[], isolated: string[]): Grudge {
  const set = new Set(isolated);
  return complete([...isolated.map((n) => [n]), nodes.filter((n) => !set.has(n))]);
}

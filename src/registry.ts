// A name → plugin map (databases, workloads, nemeses, checkers, history formats): each plugin
// registers itself, and the CLI and config look plugins up by name. A second plugin under a
// taken name is refused: a user's suite cannot silently replace a built-in.

import { FaultlineError } from './errors.js';

export interface Registry<T extends { name: string }> {
  /** What the plugins are, for messages: 'db', 'workload'. */
  readonly kind: string;
  register(plugin: T): void;
  get(name: string): T | undefined;
  /** Registered names, sorted. */
  names(): string[];
  all(): T[];
}

/**
 * Registries live on globalThis, keyed by kind: a user's suite that imports faultline from its own
 * installation registers into the same maps the CLI reads, even when the two are different copies
 * of this module (a source checkout run through tsx, and the built package).
 */
const shared = ((globalThis as Record<symbol, unknown>)[Symbol.for('faultline.registries')] ??= new Map<string, Map<string, unknown>>()) as Map<string, Map<string, unknown>>;

export function createRegistry<T extends { name: string }>(kind = 'plugin'): Registry<T> {
  if (!shared.has(kind)) shared.set(kind, new Map());
  const plugins = shared.get(kind) as Map<string, T>;
  return {
    kind,
    register: (p) => {
      const had = plugins.get(p.name);
      if (had && had !== p) throw new FaultlineError('BAD_ARGUMENT', `a ${kind} named '${p.name}' is already registered`, p.name);
      plugins.set(p.name, p);
    },
    get: (name) => plugins.get(name),
    names: () => [...plugins.keys()].sort(),
    all: () => [...plugins.keys()].sort().map((k) => plugins.get(k)!),
  };
}

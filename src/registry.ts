// A name → implementation map for plugins (databases, workloads, nemeses, checkers): each plugin
// file registers itself, and the CLI and config look plugins up by name.

export interface Registry<T extends { name: string }> {
  register(plugin: T): void;
  get(name: string): T | undefined;
  /** Registered names, sorted. */
  names(): string[];
}

export function createRegistry<T extends { name: string }>(): Registry<T> {
  const plugins = new Map<string, T>();
  return {
    register: (p) => void plugins.set(p.name, p),
    get: (name) => plugins.get(name),
    names: () => [...plugins.keys()].sort(),
  };
}

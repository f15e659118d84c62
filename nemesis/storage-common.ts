// What the storage nemeses (power, bitflip/truncate, disk-full) share: the db's Storage or a
// refusal naming the db, the restart-timeout option, and a record of servers left down, so the
// stop op and teardown start exactly those again and record what each did.

import { FaultlineError } from '../src/errors.js';
import type { Db, Test } from '../src/protocols.js';
import type { RestartOutcome, Storage } from '../src/storage-faults.js';
import { opt } from '../src/plugin/options.js';

export const restartTimeoutOption = opt.number({
  min: 1,
  default: 30,
  unit: 's',
  doc: 'how long a restarted server has to pass its readiness check before it is recorded as not ready',
});

/** The db's storage faults (the capability check has already passed when a nemesis is built). */
export function storageOf(db: Db, fault: string): Storage {
  if (!db.storage) throw new FaultlineError('UNSUPPORTED', `db ${db.name} has no storage faults`, `--nemesis ${fault}`);
  return db.storage;
}

/** Servers a fault left down; `restart` starts them again and reports what they did. */
export class DownServers {
  private readonly down = new Set<string>();

  constructor(
    private readonly storage: Storage,
    private readonly timeoutS: number,
  ) {}

  add(nodes: readonly string[]): void {
    for (const n of nodes) this.down.add(n);
  }

  get nodes(): string[] {
    return [...this.down].sort();
  }

  async restart(test: Test, nodes: readonly string[] = this.nodes): Promise<RestartOutcome[]> {
    const todo = nodes.filter((n) => this.down.has(n));
    if (!todo.length) return [];
    const out = await this.storage.restart(test, todo, this.timeoutS * 1000);
    for (const n of todo) this.down.delete(n);
    return out;
  }
}

// Shared shape of process faults (kill/start, pause/resume): pick targets, apply a Db method to
// each, remember who is down so the stop op and teardown undo exactly that.

import { FaultlineError } from '../src/errors.js';
import type { Db, Nemesis, Test } from '../src/protocols.js';
import { chooseTargets, pickFavouringPrimaries, type TargetSpec } from './targets.js';

export interface ProcessFault {
  /** e.g. 'kill' / 'start', 'pause' / 'resume'. */
  startF: string;
  stopF: string;
  apply: (db: Db) => ((test: Test, node: string) => Promise<void>) | undefined;
  undo: (db: Db) => ((test: Test, node: string) => Promise<void>) | undefined;
}

export function processFaultNemesis(db: Db, fault: ProcessFault, targets: readonly TargetSpec[]): Nemesis {
  const apply = fault.apply(db)?.bind(db);
  const undo = fault.undo(db)?.bind(db);
  if (!apply || !undo) {
    throw new FaultlineError('UNSUPPORTED', `db ${db.name} cannot ${fault.startF}/${fault.stopF} nodes`, `--nemesis ${fault.startF}`);
  }
  const down = new Set<string>();
  const undoAll = async (test: Test): Promise<string[]> => {
    const nodes = [...down];
    await Promise.all(nodes.map((n) => undo(test, n)));
    for (const n of nodes) down.delete(n);
    return nodes;
  };
  return {
    fs: [fault.startF, fault.stopF],
    async invoke(test, op) {
      if (op.f === fault.stopF) return { type: 'info', value: await undoAll(test) };
      const spec = (typeof op.value === 'string' ? op.value : pickFavouringPrimaries(test, db, targets)) as TargetSpec;
      const nodes = await chooseTargets(test, db, spec);
      // Record targets before acting: if acting fails halfway, teardown still undoes them.
      for (const n of nodes) down.add(n);
      await Promise.all(nodes.map((n) => apply(test, n)));
      return { type: 'info', value: { targets: spec, nodes } };
    },
    async teardown(test) {
      await undoAll(test);
    },
  };
}

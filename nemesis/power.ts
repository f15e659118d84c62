// Power failures (Jepsen's lazyfs nemesis): the nodes' data directories live on lazyfs; a power
// failure kills every database process of the chosen nodes at once and throws away every write
// they never fsynced (and every create, rename or removal whose directory was never fsynced);
// the servers stay down until power-on starts them again. One node or a minority by default,
// never a majority unless asked (`--nemesis-option power=majority` or `all`). Each op records what
// was at risk (lazyfs's counters) and how each server behaved after the restart.
// Ops: power-off (value: a target spec or null), power-on.

import { faultPackage } from '../src/plugin/nemesis-package.js';
import type { Db, Nemesis } from '../src/protocols.js';
import type { TargetSpec } from './targets.js';
import { chooseTargets, pickFavouringPrimaries } from './targets.js';
import { defineNemesis, targetsOption } from './registry.js';
import { DownServers, restartTimeoutOption, storageOf } from './storage-common.js';

export const POWER_COLOR = '#b8860b';

export function powerNemesis(db: Db, targets: readonly TargetSpec[], restartTimeoutS: number): Nemesis {
  const storage = storageOf(db, 'power');
  const down = new DownServers(storage, restartTimeoutS);
  return {
    fs: ['power-off', 'power-on'],
    async setup(test) {
      // The cluster's bootstrap (data directories, first WAL) is durable, as on a machine
      // that has been up for a while: only what happens during the run is at risk.
      await storage.checkpoint?.(test, test.nodes);
    },
    async invoke(test, op) {
      if (op.f === 'power-on') return { type: 'info', value: { restarts: await down.restart(test) } };
      const spec = (typeof op.value === 'string' ? op.value : pickFavouringPrimaries(test, db, targets)) as TargetSpec;
      const nodes = await chooseTargets(test, db, spec);
      down.add(nodes);
      const failures = await storage.powerFail!(test, nodes);
      return { type: 'info', value: { targets: spec, nodes, failures } };
    },
    async teardown(test) {
      await down.restart(test);
    },
  };
}

export const powerPlugin = defineNemesis({
  name: 'power',
  doc: 'power failures on lazyfs: kill the servers, lose every write never fsynced, restart (one or a minority; majority or all only when asked)',
  options: {
    power: targetsOption('a power failure', ['one', 'minority', 'primaries']),
    'restart-timeout': restartTimeoutOption,
  },
  requires: ['power'],
  create: ({ db, intervalS, options }) =>
    faultPackage({ name: 'power', nemesis: powerNemesis(db, options.power, options['restart-timeout']), intervalS, start: ['power-off'], stop: 'power-on', color: POWER_COLOR }),
});

// A full disk: each node's data lives on a small tmpfs of its own (`disk-size`), which fill-disk
// fills with a ballast file (and proves full: a 4 KiB write must fail with ENOSPC) and free-disk
// empties again. What the server does meanwhile is its own business (refuse writes, crash, keep
// going on preallocated files); a server that died is started again when the disk is freed, and
// how it came back is recorded. Ops: fill-disk (value: a target spec or null), free-disk.

import { faultPackage } from '../src/plugin/nemesis-package.js';
import type { Db, Nemesis } from '../src/protocols.js';
import { DEFAULT_DISK_MIB, type DiskFillRecord } from '../src/storage-faults.js';
import { opt } from '../src/plugin/options.js';
import { chooseTargets, pickFavouringPrimaries, type TargetSpec } from './targets.js';
import { defineNemesis, targetsOption } from './registry.js';
import { DownServers, restartTimeoutOption, storageOf } from './storage-common.js';

export const DISK_FULL_COLOR = '#6b8e23';

/** True when the probe write after filling failed for want of space, as it must. */
export function probedFull(r: DiskFillRecord): boolean {
  return /no space left on device/i.test(r.probe ?? '');
}

export function diskFullNemesis(db: Db, targets: readonly TargetSpec[], restartTimeoutS: number): Nemesis {
  const storage = storageOf(db, 'disk-full');
  const full = new Set<string>();
  // Every filled node's server may die meanwhile: free-disk starts those that did.
  const down = new DownServers(storage, restartTimeoutS);
  const freeAll = async (test: Parameters<Nemesis['invoke']>[0]) => {
    const nodes = [...full].sort();
    const freed = await Promise.all(nodes.map((n) => storage.free!(test, n)));
    for (const n of nodes) full.delete(n);
    return { freed, restarts: await down.restart(test) };
  };
  return {
    fs: ['fill-disk', 'free-disk'],
    async invoke(test, op) {
      if (op.f === 'free-disk') return { type: 'info', value: await freeAll(test) };
      const spec = (typeof op.value === 'string' ? op.value : pickFavouringPrimaries(test, db, targets)) as TargetSpec;
      const nodes = await chooseTargets(test, db, spec);
      for (const n of nodes) full.add(n);
      down.add(nodes);
      const filled = await Promise.all(nodes.map((n) => storage.fill!(test, n)));
      const notFull = filled.filter((r) => !probedFull(r)).map((r) => r.node);
      // A disk that still takes writes is not the fault we claim: say so in the op.
      return { type: 'info', value: { targets: spec, nodes, filled }, ...(notFull.length ? { error: `disk not full on ${notFull.join(', ')}: a 4 KiB write still succeeded` } : {}) };
    },
    async teardown(test) {
      await freeAll(test);
    },
  };
}

export const diskFullPlugin = defineNemesis({
  name: 'disk-full',
  doc: "fill nodes' disks (a small tmpfs under each data directory) and free them; servers that died are restarted and recorded",
  options: {
    'disk-full': targetsOption('a full disk', ['one', 'minority', 'majority', 'all']),
    'disk-size': opt.number({ min: 16, max: 65536, default: DEFAULT_DISK_MIB, unit: 'MiB', doc: "size of each node's disk in runs with disk-full (a tmpfs: it takes memory)" }),
    'restart-timeout': restartTimeoutOption,
  },
  requires: ['disk-full'],
  create: ({ db, intervalS, options }) =>
    faultPackage({ name: 'disk-full', nemesis: diskFullNemesis(db, options['disk-full'], options['restart-timeout']), intervalS, start: ['fill-disk'], stop: 'free-disk', color: DISK_FULL_COLOR }),
});

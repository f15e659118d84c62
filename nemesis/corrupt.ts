// File corruption (Jepsen's bitflip and truncate file nemeses): stop a node's server, damage one
// file of its data directory (a WAL segment, a snapshot, a database file: the kinds and globs the
// system declares), fsync the damage, and leave the server down until the stop op starts it again
// and records what it did (refused to start, repaired, served the damage). One node or a
// minority by default, never a majority unless asked.
// bitflip: flips `bitflip-bits` random bits, uniformly over the file.
// truncate: drops a log-uniform number of bytes from the end (a torn tail up to the whole file).
// Ops: flip-bits / restart-flipped, truncate-file / restart-truncated.

import { FaultlineError } from '../src/errors.js';
import { faultPackage } from '../src/plugin/nemesis-package.js';
import type { Db, Nemesis } from '../src/protocols.js';
import type { Corruption } from '../src/storage-faults.js';
import { opt } from '../src/plugin/options.js';
import { chooseTargets, type TargetSpec } from './targets.js';
import { defineNemesis, targetsOption } from './registry.js';
import { DownServers, restartTimeoutOption, storageOf } from './storage-common.js';

export const CORRUPT_COLOR = '#a0522d';

const corruptOptions = {
  'corrupt-files': opt.list({ doc: 'kinds of data file to damage, picked at random among those present (default: every kind the db declares)' }),
  'corrupt-targets': targetsOption('a corruption', ['one', 'minority']),
  'restart-timeout': restartTimeoutOption,
};

/** The file kinds a run corrupts: the chosen ones (each declared by the db) or all declared. */
export function corruptKinds(db: Db, chosen: readonly string[] | undefined, fault: string): string[] {
  const declared = Object.keys(db.storage?.files ?? {});
  if (!chosen) return declared;
  for (const k of chosen) {
    if (!declared.includes(k)) throw new FaultlineError('BAD_ARGUMENT', `db ${db.name} declares no data file kind '${k}' (it declares: ${declared.join(', ') || 'none'})`, `--nemesis-option corrupt-files (nemesis ${fault})`);
  }
  return [...chosen];
}

export function corruptNemesis(db: Db, how: Corruption, o: { kinds: string[]; targets: readonly TargetSpec[]; restartTimeoutS: number; start: string; stop: string }): Nemesis {
  const storage = storageOf(db, how.kind);
  const down = new DownServers(storage, o.restartTimeoutS);
  return {
    fs: [o.start, o.stop],
    async invoke(test, op) {
      if (op.f === o.stop) return { type: 'info', value: { restarts: await down.restart(test) } };
      const spec = (typeof op.value === 'string' ? op.value : test.rng.pick(o.targets)) as TargetSpec;
      const nodes = await chooseTargets(test, db, spec);
      down.add(nodes);
      const corruptions = [];
      // One node after the other: the random choices then follow the seed exactly.
      for (const node of nodes) {
        try {
          corruptions.push(await storage.corrupt!(test, node, o.kinds, how));
        } catch (e) {
          if (!(e instanceof FaultlineError)) throw e;
          corruptions.push({ node, error: e.message });
        }
      }
      return { type: 'info', value: { targets: spec, nodes, corruptions } };
    },
    async teardown(test) {
      await down.restart(test);
    },
  };
}

export const bitflipPlugin = defineNemesis({
  name: 'bitflip',
  doc: "flip random bits in a file of a stopped node's data directory, restart it and record what it does",
  options: { ...corruptOptions, 'bitflip-bits': opt.number({ integer: true, min: 1, max: 4096, default: 8, doc: 'bits flipped per corruption, spread uniformly over the file' }) },
  requires: ['corrupt'],
  create: ({ db, intervalS, options: o }) => {
    const nemesis = corruptNemesis(db, { kind: 'bitflip', bits: o['bitflip-bits'] }, { kinds: corruptKinds(db, o['corrupt-files'], 'bitflip'), targets: o['corrupt-targets'], restartTimeoutS: o['restart-timeout'], start: 'flip-bits', stop: 'restart-flipped' });
    return faultPackage({ name: 'bitflip', nemesis, intervalS, start: ['flip-bits'], stop: 'restart-flipped', color: CORRUPT_COLOR });
  },
});

export const truncatePlugin = defineNemesis({
  name: 'truncate',
  doc: "truncate a file of a stopped node's data directory (a torn tail up to the whole file), restart it and record what it does",
  options: corruptOptions,
  requires: ['corrupt'],
  create: ({ db, intervalS, options: o }) => {
    const nemesis = corruptNemesis(db, { kind: 'truncate' }, { kinds: corruptKinds(db, o['corrupt-files'], 'truncate'), targets: o['corrupt-targets'], restartTimeoutS: o['restart-timeout'], start: 'truncate-file', stop: 'restart-truncated' });
    return faultPackage({ name: 'truncate', nemesis, intervalS, start: ['truncate-file'], stop: 'restart-truncated', color: CORRUPT_COLOR });
  },
});

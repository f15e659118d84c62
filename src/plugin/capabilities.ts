// What a database can have done to it, derived from the Db object itself (Jepsen's optional
// protocols): a method or object present is a capability, nothing is listed twice. A nemesis
// declares the capabilities it needs; a run whose db lacks one is refused before anything
// starts, naming the database and the fault.

import { FaultlineError } from '../errors.js';
import type { Db } from '../protocols.js';

export const CAPABILITIES = {
  partition: 'cut the network between nodes',
  'packet-loss': 'drop a fraction of packets',
  'packet-rate': 'rate-limit packets',
  'packet-delay': 'delay packets',
  kill: 'kill and restart nodes',
  pause: 'pause and resume nodes',
  clock: "skew nodes' clocks",
  primaries: 'name the current primaries',
  logs: 'collect node logs',
  power: 'cut the power of nodes (lose writes never fsynced)',
  corrupt: "corrupt files in nodes' data directories",
  'disk-full': "fill nodes' disks",
} as const;

export type Capability = keyof typeof CAPABILITIES;

/** Why a db lacks a capability it partly has (a clock its server ignores), else undefined. */
function lacking(db: Db, c: Capability): string | undefined | false {
  switch (c) {
    case 'partition':
      return !db.net && '';
    case 'packet-loss':
      return !db.net?.loss && '';
    case 'packet-rate':
      return !db.net?.rate && '';
    case 'packet-delay':
      return !db.net?.delay && '';
    case 'kill':
      return !(db.kill && db.start) && '';
    case 'pause':
      return !(db.pause && db.resume) && '';
    case 'clock':
      return !db.clock ? '' : !db.clock.supported && (db.clock.reason ?? '');
    case 'primaries':
      return !db.primaries && '';
    case 'logs':
      return !db.collectLogs && '';
    case 'power':
      return !db.storage?.powerFail && (db.storage?.unsupported?.power ?? '');
    case 'corrupt':
      return !(db.storage?.corrupt && !db.storage.unsupported?.corrupt) && (db.storage?.unsupported?.corrupt ?? '');
    case 'disk-full':
      return !(db.storage?.fill && db.storage.free) && (db.storage?.unsupported?.['disk-full'] ?? '');
  }
}

/** The capabilities a Db object has. */
export function capabilitiesOf(db: Db): Capability[] {
  return (Object.keys(CAPABILITIES) as Capability[]).filter((c) => lacking(db, c) === false);
}

/** Throws UNSUPPORTED naming the db, the capability and the reason, for the first one missing. */
export function requireCapabilities(db: Db, needs: readonly Capability[], where: string): void {
  for (const c of needs) {
    const why = lacking(db, c);
    if (why === false) continue;
    const detail = db.describe?.() ? ` (${db.describe()})` : '';
    throw new FaultlineError('UNSUPPORTED', `db ${db.name}${detail} cannot ${CAPABILITIES[c]}${why ? `: ${why}` : ''}`, where);
  }
}

// The nemesis plugin map: `--nemesis partition,kill,pause` looks faults up here. Each plugin
// builds a NemesisPackage: the fault, its schedule, its healing ops and its plot colour.

import type { Db, NemesisPackage } from '../src/protocols.js';
import { createRegistry } from '../src/registry.js';

export interface NemesisOptions {
  db: Db;
  /** Seconds a fault lasts, and seconds between faults. */
  intervalS: number;
  /** Plugin-specific settings from the CLI (`--nemesis-option key=value`). */
  options: Record<string, string>;
}

export interface NemesisPlugin {
  name: string;
  description: string;
  /** Throws FaultlineError('UNSUPPORTED') when the db cannot do this fault. */
  create(opts: NemesisOptions): NemesisPackage;
}

const plugins = createRegistry<NemesisPlugin>();
export const registerNemesis = plugins.register;
export const getNemesis = plugins.get;
export const nemesisNames = plugins.names;

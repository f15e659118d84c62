// The nemesis plugin map: `--nemesis partition,kill,pause` looks faults up here. Each plugin
// declares its options (sharing `--nemesis-option`) and the db capabilities it needs, and
// builds a NemesisPackage: the fault, its schedule, its healing ops and its plot colour.

import { opt } from '../src/plugin/options.js';
import { TARGETS, type TargetSpec } from './targets.js';

export { nemeses, defineNemesis } from '../src/plugin/registry.js';
export type { NemesisContext, NemesisPlugin } from '../src/plugin/kinds.js';

/** The usual targets option of a process or clock fault. */
export function targetsOption(what: string, dflt: TargetSpec[] = ['one', 'minority', 'majority', 'primaries']) {
  return opt.list({ values: TARGETS, default: dflt, doc: `which nodes ${what} hits, picked at random per fault` });
}

// Kill and restart: SIGKILL (or the container equivalent) on one, a minority, a majority or the
// primaries, then start them again. Ops: kill (value: target spec or null), start.

import type { NemesisPackage } from '../src/protocols.js';
import { faultPackage } from './package.js';
import { parseTargets, processFaultNemesis } from './process-faults.js';
import { registerNemesis, type NemesisOptions } from './registry.js';

export const KILL_COLOR = '#8e4ec6';

export function killPackage(opts: NemesisOptions): NemesisPackage {
  const targets = parseTargets(opts.options['kill'], '--nemesis-option kill=');
  const nemesis = processFaultNemesis(opts.db, { startF: 'kill', stopF: 'start', apply: (db) => db.kill, undo: (db) => db.start }, targets);
  return faultPackage({ name: 'kill', nemesis, intervalS: opts.intervalS, start: ['kill'], stop: 'start', color: KILL_COLOR });
}

registerNemesis({
  name: 'kill',
  description: 'kill nodes (SIGKILL) and restart them: one, minority, majority or primaries (--nemesis-option kill=one+primaries)',
  create: killPackage,
});

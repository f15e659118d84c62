// Pause and resume (SIGSTOP/SIGCONT, docker pause): a paused node keeps its state and its
// connections but answers nothing, like a long GC pause or a stalled VM. Ops: pause, resume.

import type { NemesisPackage } from '../src/protocols.js';
import { faultPackage } from './package.js';
import { parseTargets, processFaultNemesis } from './process-faults.js';
import { registerNemesis, type NemesisOptions } from './registry.js';

export const PAUSE_COLOR = '#f5a623';

export function pausePackage(opts: NemesisOptions): NemesisPackage {
  const targets = parseTargets(opts.options['pause'], '--nemesis-option pause=');
  const nemesis = processFaultNemesis(opts.db, { startF: 'pause', stopF: 'resume', apply: (db) => db.pause, undo: (db) => db.resume }, targets);
  return faultPackage({ name: 'pause', nemesis, intervalS: opts.intervalS, start: ['pause'], stop: 'resume', color: PAUSE_COLOR });
}

registerNemesis({
  name: 'pause',
  description: 'pause nodes (SIGSTOP) and resume them: one, minority, majority or primaries',
  create: pausePackage,
});

// Pause and resume (SIGSTOP/SIGCONT, docker pause): a paused node keeps its state and its
// connections but answers nothing, like a long GC pause or a stalled VM. Ops: pause, resume.

import { faultPackage } from '../src/plugin/nemesis-package.js';
import { processFaultNemesis } from './process-faults.js';
import { defineNemesis, targetsOption } from './registry.js';

export const PAUSE_COLOR = '#f5a623';

export const pauseNemesis = defineNemesis({
  name: 'pause',
  doc: 'pause nodes (SIGSTOP) and resume them: one, minority, majority or primaries',
  options: { pause: targetsOption('a pause') },
  requires: ['pause'],
  create: ({ db, intervalS, options }) => {
    const nemesis = processFaultNemesis(db, { startF: 'pause', stopF: 'resume', apply: (d) => d.pause, undo: (d) => d.resume }, options.pause);
    return faultPackage({ name: 'pause', nemesis, intervalS, start: ['pause'], stop: 'resume', color: PAUSE_COLOR });
  },
});

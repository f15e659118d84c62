// Kill and restart: SIGKILL (or the container equivalent) on one, a minority, a majority or the
// primaries, then start them again. Ops: kill (value: target spec or null), start.

import { faultPackage } from '../src/plugin/nemesis-package.js';
import { processFaultNemesis } from './process-faults.js';
import { defineNemesis, targetsOption } from './registry.js';

export const KILL_COLOR = '#8e4ec6';

export const killNemesis = defineNemesis({
  name: 'kill',
  doc: 'kill nodes (SIGKILL) and restart them: one, minority, majority or primaries',
  options: { kill: targetsOption('a kill') },
  requires: ['kill'],
  create: ({ db, intervalS, options }) => {
    const nemesis = processFaultNemesis(db, { startF: 'kill', stopF: 'start', apply: (d) => d.kill, undo: (d) => d.start }, options.kill);
    return faultPackage({ name: 'kill', nemesis, intervalS, start: ['kill'], stop: 'start', color: KILL_COLOR });
  },
});

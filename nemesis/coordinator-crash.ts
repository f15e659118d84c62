// Coordinator crashes (two-phase commit): the fault arms the db's client-side coordinator with a
// crash point (after both branches prepared, after the commit decision is logged, or after the
// first branch committed), the coordinator dies by SIGKILL when a transfer reaches it, and the
// stop op restarts it, which runs its recovery from its log. It needs a db with a coordinator
// (the `coordinator` capability: postgres-2pc has one); any other is refused before the run.
// Ops: crash-coordinator (value: a point, or null for a random one), recover-coordinator.

import type { Nemesis } from '../src/protocols.js';
import { faultPackage } from '../src/plugin/nemesis-package.js';
import { opt } from '../src/plugin/options.js';
import { defineNemesis } from './registry.js';

export const CRASH_POINTS = ['after-prepare', 'after-decision', 'after-first-commit'] as const;
export type CrashPoint = (typeof CRASH_POINTS)[number];
export const COORDINATOR_COLOR = '#0090ff';

export const coordinatorCrashNemesis = defineNemesis({
  name: 'coordinator-crash',
  doc: 'two-phase commit: crash the client-side coordinator between prepare and commit (SIGKILL at an armed point) and restart it, which recovers in-doubt transactions from its log',
  options: { 'coordinator-crash': opt.list({ values: CRASH_POINTS, default: [...CRASH_POINTS], doc: 'the crash points picked from at random' }) },
  requires: ['coordinator'],
  create: ({ db, intervalS, options }) => {
    const c = db.coordinator!;
    let down = false;
    // A restarted coordinator first works for a fault interval: crashes back to back would leave
    // nothing but recoveries to observe.
    let upSince = 0;
    const nemesis: Nemesis = {
      fs: ['crash-coordinator', 'recover-coordinator'],
      async invoke(test, op) {
        if (op.f === 'recover-coordinator') {
          const value = await c.restart(test);
          down = false;
          upSince = Date.now();
          return { type: 'info', value };
        }
        const point = typeof op.value === 'string' ? op.value : test.rng.pick(options['coordinator-crash']);
        const wait = upSince + intervalS * 1000 - Date.now();
        if (wait > 0 && !test.signal.aborted) await new Promise((r) => setTimeout(r, wait));
        down = true;
        return { type: 'info', value: await c.crash(test, point) };
      },
      async teardown(test) {
        if (down) await c.restart(test);
      },
    };
    return faultPackage({ name: 'coordinator-crash', nemesis, intervalS, start: ['crash-coordinator'], stop: 'recover-coordinator', color: COORDINATOR_COLOR });
  },
});

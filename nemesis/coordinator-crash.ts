// Coordinator crashes (two-phase commit): the fault arms the db's client-side coordinator with a
// crash point (after both branches prepared, after the commit decision is logged, or after the
// first branch committed), the coordinator dies by SIGKILL when a transfer reaches it, and the
// stop op restarts it, which runs its recovery from its log. Only a db with a coordinator (postgres
// with --workload bank-2pc) has this fault; any other is refused before the run.
// Ops: crash-coordinator (value: a point, or null for a random one), recover-coordinator.
// --nemesis-option coordinator-crash=after-prepare+after-decision restricts the points.

import { FaultlineError } from '../src/errors.js';
import type { Db, Nemesis, NemesisPackage, Test } from '../src/protocols.js';
import { faultPackage } from './package.js';
import { registerNemesis, type NemesisOptions } from './registry.js';

export const CRASH_POINTS = ['after-prepare', 'after-decision', 'after-first-commit'] as const;
export type CrashPoint = (typeof CRASH_POINTS)[number];
export const COORDINATOR_COLOR = '#0090ff';

/** What a db with a client-side coordinator offers this fault. */
export interface CrashableCoordinator {
  /** Arms the point and returns once the coordinator died (or was killed where it stood). */
  crash(test: Test, point: CrashPoint): Promise<unknown>;
  /** Restarts a crashed coordinator; the value says what its recovery did. */
  restart(test: Test): Promise<unknown>;
}

export function coordinatorOf(db: Db): CrashableCoordinator | undefined {
  const c = (db as { coordinator?: Partial<CrashableCoordinator> }).coordinator;
  return c && typeof c.crash === 'function' && typeof c.restart === 'function' ? (c as CrashableCoordinator) : undefined;
}

function parsePoints(s: string | undefined): CrashPoint[] {
  if (!s) return [...CRASH_POINTS];
  const xs = s.split('+').map((x) => x.trim());
  for (const x of xs) {
    if (!(CRASH_POINTS as readonly string[]).includes(x)) throw new FaultlineError('BAD_ARGUMENT', `unknown crash point '${x}' (known: ${CRASH_POINTS.join(', ')})`, '--nemesis-option coordinator-crash=');
  }
  return xs as CrashPoint[];
}

export function coordinatorCrashPackage(opts: NemesisOptions): NemesisPackage {
  const c = coordinatorOf(opts.db);
  if (!c) throw new FaultlineError('UNSUPPORTED', `db ${opts.db.name} has no client-side coordinator to crash (postgres with --workload bank-2pc has one)`, '--nemesis coordinator-crash');
  const points = parsePoints(opts.options['coordinator-crash']);
  let down = false;
  // A restarted coordinator first works for a fault interval: crashes back to back would leave
  // nothing but recoveries to observe.
  let upSince = 0;
  const minUpMs = opts.intervalS * 1000;
  const nemesis: Nemesis = {
    fs: ['crash-coordinator', 'recover-coordinator'],
    async invoke(test, op) {
      if (op.f === 'recover-coordinator') {
        const value = await c.restart(test);
        down = false;
        upSince = Date.now();
        return { type: 'info', value };
      }
      const point = (typeof op.value === 'string' ? op.value : test.rng.pick(points)) as CrashPoint;
      const wait = upSince + minUpMs - Date.now();
      if (wait > 0 && !test.signal.aborted) await new Promise((r) => setTimeout(r, wait));
      down = true;
      return { type: 'info', value: await c.crash(test, point) };
    },
    async teardown(test) {
      if (down) await c.restart(test);
    },
  };
  return faultPackage({ name: 'coordinator-crash', nemesis, intervalS: opts.intervalS, start: ['crash-coordinator'], stop: 'recover-coordinator', color: COORDINATOR_COLOR });
}

registerNemesis({
  name: 'coordinator-crash',
  description: 'two-phase commit: crash the client-side coordinator between prepare and commit (SIGKILL at an armed point) and restart it, which recovers in-doubt transactions from its log',
  create: coordinatorCrashPackage,
});

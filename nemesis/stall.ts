// The stall nemesis, a client-side fault (Jepsen has none): freezes one client between two of its
// operations for stall-ms, as a garbage-collection or VM pause of that client process would. Its
// gate keeps it from starting an op and its client's background traffic stops (ZooKeeper session
// pings, etcd lease keepalives), so a lock holder frozen longer than its lease loses the lock on
// the server while it still believes it holds it. Targets: `holder` (a client whose last op was an
// acquired lock; a random client when none holds one) or `random`.
// Ops: start-stall (value: a target or null; completes when the stall ends), stop-stall (resumes
// anything still frozen). Options: stall=holder+random, stall-ms=N (default 8000).

import { FaultlineError } from '../src/errors.js';
import type { Nemesis, NemesisPackage, Test, WorkerControl } from '../src/protocols.js';
import { faultPackage } from '../src/plugin/nemesis-package.js';
import { opt } from '../src/plugin/options.js';
import { defineNemesis } from './registry.js';

export const STALL_TARGETS = ['holder', 'random'] as const;
export type StallTarget = (typeof STALL_TARGETS)[number];
export const STALL_COLOR = '#0090ff';

export interface StallSettings {
  targets: StallTarget[];
  stallMs: number;
}

/** Threads whose latest recorded op is an acquire that succeeded: they hold a lock, idle between ops. */
export function holders(w: WorkerControl): number[] {
  return w.threads().filter((t) => {
    const op = w.last(t);
    return op !== undefined && op.type === 'ok' && op.f === 'acquire';
  });
}

export function stallNemesis(s: StallSettings): Nemesis {
  const workers = (test: Test): WorkerControl => {
    if (!test.workers) throw new FaultlineError('UNSUPPORTED', 'this run has no client workers to stall', '--nemesis stall');
    return test.workers;
  };
  const resumeAll = (test: Test): number[] => {
    const w = test.workers;
    const ts = w?.stalled() ?? [];
    for (const t of ts) w!.resume(t);
    return ts;
  };
  return {
    fs: ['start-stall', 'stop-stall'],
    async invoke(test, op) {
      if (op.f === 'stop-stall') return { type: 'info', value: { resumed: resumeAll(test) } };
      const w = workers(test);
      const want = (typeof op.value === 'string' ? op.value : test.rng.pick(s.targets)) as StallTarget;
      let thread: number | undefined;
      let target = want as string;
      if (want === 'holder') {
        const idle = holders(w).filter((t) => !w.stalled().includes(t));
        if (idle.length) {
          thread = test.rng.pick(idle);
          w.stall(thread);
        } else {
          // Holders are between two ops only briefly: catch the next one as its acquire completes.
          thread = await w.stallWhen((o) => o.type === 'ok' && o.f === 'acquire', Math.min(5000, s.stallMs));
          if (thread === undefined) target = 'random (no holder)';
        }
      }
      if (thread === undefined) {
        const pool = w.threads().filter((t) => !w.stalled().includes(t));
        if (pool.length === 0) return { type: 'info', value: { target: want, thread: null, note: 'every client is stalled already' } };
        thread = test.rng.pick(pool);
        w.stall(thread);
      }
      const started = Date.now();
      // The op lasts as long as the stall: its window in the report is the pause.
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, s.stallMs);
        test.signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
      });
      w.resume(thread);
      return { type: 'info', value: { target, thread, stalledMs: Date.now() - started } };
    },
    async teardown(test) {
      resumeAll(test);
    },
  };
}

export const stallNemesisPlugin = defineNemesis({
  name: 'stall',
  doc: 'freeze a client between its ops, as a GC or VM pause would: the lock holder or a random client',
  options: {
    stall: opt.list({ values: STALL_TARGETS, default: ['holder', 'random'], doc: 'whom to stall: the current lock holder (else the next one), or a random client' }),
    'stall-ms': opt.number({ min: 1, default: 8000, unit: 'ms', doc: 'how long one stall lasts' }),
  },
  requires: [],
  create: ({ intervalS, options }) =>
    faultPackage({ name: 'stall', nemesis: stallNemesis({ targets: [...options.stall], stallMs: options['stall-ms'] }), intervalS, start: ['start-stall'], stop: 'stop-stall', color: STALL_COLOR }),
});

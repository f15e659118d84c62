// Clock faults through the Db's Clock (libfaketime in containers): bump nodes' clocks by a
// random offset, strobe them (flip back and forth quickly for a while), reset to real time.
// A db whose server does not honour skew (Go servers such as etcd read the clock without libc)
// declares `clock.supported = false`, and the fault is refused up front, never skipped.
// Ops: bump-clock, strobe-clock, reset-clock. Options (--nemesis-option): clock-max-ms=N (largest
// offset, default 30000), clock-strobe-ms=N (strobe period, default 100), clock-strobe-s=N
// (strobe duration, default 5), clock-targets=one+minority+majority+all.

import { FaultlineError } from '../src/errors.js';
import type { Clock, Db, Nemesis, NemesisPackage, Test } from '../src/protocols.js';
import { faultPackage } from './package.js';
import { chooseTargets, type TargetSpec } from './targets.js';
import { parseTargets } from './process-faults.js';
import { registerNemesis, type NemesisOptions } from './registry.js';

export const CLOCK_COLOR = '#12a594';

export interface ClockSettings {
  maxMs: number;
  strobePeriodMs: number;
  strobeS: number;
  targets: TargetSpec[];
}

/** The db's clock, or a FaultlineError('UNSUPPORTED') naming the db and why. */
export function supportedClock(db: Db): Clock {
  if (!db.clock) throw new FaultlineError('UNSUPPORTED', `db ${db.name} cannot skew its nodes' clocks`, '--nemesis clock');
  if (!db.clock.supported) {
    throw new FaultlineError('UNSUPPORTED', `db ${db.name} does not honour clock skew${db.clock.reason ? `: ${db.clock.reason}` : ''}; clock faults are refused rather than silently skipped`, '--nemesis clock');
  }
  return db.clock;
}

export function clockSettings(options: Record<string, string>): ClockSettings {
  const num = (k: string, def: number): number => {
    const v = options[k] === undefined ? def : Number(options[k]);
    if (!Number.isFinite(v) || v <= 0) throw new FaultlineError('BAD_ARGUMENT', `must be a positive number, got '${options[k]}'`, `--nemesis-option ${k}`);
    return v;
  };
  return {
    maxMs: num('clock-max-ms', 30_000),
    strobePeriodMs: num('clock-strobe-ms', 100),
    strobeS: num('clock-strobe-s', 5),
    targets: options['clock-targets'] ? parseTargets(options['clock-targets'], '--nemesis-option clock-targets=') : ['one', 'minority', 'majority', 'all'],
  };
}

export function clockNemesis(db: Db, clock: Clock, s: ClockSettings): Nemesis {
  const skewed = new Set<string>();
  const offset = (test: Test): number => {
    // Offsets spread over orders of magnitude (ms to tens of s), either sign, like Jepsen's bumps.
    const mag = Math.exp(test.rng.next() * Math.log(s.maxMs));
    return Math.round(test.rng.next() < 0.5 ? -mag : mag);
  };
  const resetAll = async (test: Test): Promise<string[]> => {
    const nodes = [...skewed];
    if (nodes.length) await clock.reset(test, nodes);
    skewed.clear();
    return nodes;
  };
  return {
    fs: ['bump-clock', 'strobe-clock', 'reset-clock'],
    async setup() {
      supportedClock(db);
    },
    async invoke(test, op) {
      if (op.f === 'reset-clock') return { type: 'info', value: await resetAll(test) };
      const nodes = await chooseTargets(test, db, test.rng.pick(s.targets));
      for (const n of nodes) skewed.add(n);
      if (op.f === 'bump-clock') {
        const deltas: Record<string, number> = {};
        for (const n of nodes) deltas[n] = offset(test);
        await Promise.all(nodes.map((n) => clock.bump(test, n, deltas[n]!)));
        return { type: 'info', value: deltas };
      }
      if (op.f === 'strobe-clock') {
        // Flip each target between +delta and back every period, for the strobe's duration.
        const delta = Math.abs(offset(test));
        const end = Date.now() + s.strobeS * 1000;
        let sign = 1;
        while (Date.now() < end && !test.signal.aborted) {
          await Promise.all(nodes.map((n) => clock.bump(test, n, sign * delta)));
          sign = -sign;
          await new Promise((r) => setTimeout(r, s.strobePeriodMs));
        }
        if (sign === -1) await Promise.all(nodes.map((n) => clock.bump(test, n, -delta)));
        return { type: 'info', value: { nodes, deltaMs: delta, periodMs: s.strobePeriodMs, durationS: s.strobeS } };
      }
      throw new FaultlineError('BAD_ARGUMENT', `clock nemesis has no op ${op.f}`);
    },
    async teardown(test) {
      await resetAll(test);
    },
  };
}

export function clockPackage(opts: NemesisOptions): NemesisPackage {
  const clock = supportedClock(opts.db);
  const s = clockSettings(opts.options);
  return faultPackage({ name: 'clock', nemesis: clockNemesis(opts.db, clock, s), intervalS: opts.intervalS, start: ['bump-clock', 'strobe-clock'], stop: 'reset-clock', color: CLOCK_COLOR });
}

registerNemesis({
  name: 'clock',
  description: "clock skew through libfaketime: bump, strobe, reset (refused for dbs whose servers ignore it, e.g. etcd)",
  create: clockPackage,
});

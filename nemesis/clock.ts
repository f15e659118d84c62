// Clock faults through the Db's Clock (in containers: libfaketime, or clockshift for servers that
// bypass libc, such as Go's etcd): bump nodes' wall clocks by a random offset, strobe them (flip
// back and forth quickly for a while), reset to real time. A db whose server does not honour
// skew declares `clock.supported = false` with the reason, and the fault is refused up front,
// never skipped.
// Ops: bump-clock, strobe-clock, reset-clock.

import { FaultlineError } from '../src/errors.js';
import type { Clock, Db, Nemesis, Test } from '../src/protocols.js';
import { opt, type OptionValues } from '../src/plugin/options.js';
import { faultPackage } from '../src/plugin/nemesis-package.js';
import { chooseTargets } from './targets.js';
import { defineNemesis, targetsOption } from './registry.js';

export const CLOCK_COLOR = '#12a594';

export const clockOptions = {
  'clock-max-ms': opt.number({ min: 1, default: 30_000, unit: 'ms', doc: 'largest offset of a bump (offsets spread over orders of magnitude, either sign)' }),
  'clock-strobe-ms': opt.number({ min: 1, default: 100, unit: 'ms', doc: 'strobe period' }),
  'clock-strobe-s': opt.number({ min: 0.001, default: 5, unit: 's', doc: 'strobe duration' }),
  'clock-targets': targetsOption('a clock fault', ['one', 'minority', 'majority', 'all']),
};
export type ClockSettings = OptionValues<typeof clockOptions>;

/** The db's clock, or a FaultlineError('UNSUPPORTED') naming the db and why. */
export function supportedClock(db: Db): Clock {
  if (!db.clock) throw new FaultlineError('UNSUPPORTED', `db ${db.name} cannot skew its nodes' clocks`, '--nemesis clock');
  if (!db.clock.supported) {
    throw new FaultlineError('UNSUPPORTED', `db ${db.name} does not honour clock skew${db.clock.reason ? `: ${db.clock.reason}` : ''}; clock faults are refused rather than silently skipped`, '--nemesis clock');
  }
  return db.clock;
}

export function clockNemesis(db: Db, clock: Clock, s: ClockSettings): Nemesis {
  const skewed = new Set<string>();
  const offset = (test: Test): number => {
    // Offsets spread over orders of magnitude (ms to tens of s), either sign, like Jepsen's bumps.
    const mag = Math.exp(test.rng.next() * Math.log(s['clock-max-ms']));
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
      const nodes = await chooseTargets(test, db, test.rng.pick(s['clock-targets']));
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
        const end = Date.now() + s['clock-strobe-s'] * 1000;
        let sign = 1;
        while (Date.now() < end && !test.signal.aborted) {
          await Promise.all(nodes.map((n) => clock.bump(test, n, sign * delta)));
          sign = -sign;
          await new Promise((r) => setTimeout(r, s['clock-strobe-ms']));
        }
        if (sign === -1) await Promise.all(nodes.map((n) => clock.bump(test, n, -delta)));
        return { type: 'info', value: { nodes, deltaMs: delta, periodMs: s['clock-strobe-ms'], durationS: s['clock-strobe-s'] } };
      }
      throw new FaultlineError('BAD_ARGUMENT', `clock nemesis has no op ${op.f}`);
    },
    async teardown(test) {
      await resetAll(test);
    },
  };
}

export const clockPlugin = defineNemesis({
  name: 'clock',
  doc: "wall-clock skew (libfaketime, or clockshift for Go servers): bump, strobe, reset (refused where a db's server cannot be skewed)",
  options: clockOptions,
  requires: ['clock'],
  create: ({ db, intervalS, options }) =>
    faultPackage({ name: 'clock', nemesis: clockNemesis(db, supportedClock(db), options), intervalS, start: ['bump-clock', 'strobe-clock'], stop: 'reset-clock', color: CLOCK_COLOR }),
});

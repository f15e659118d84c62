// Packet faults through the Db's Net: loss (drop a fraction of incoming packets), rate limiting
// (egress shaped with a token bucket: queueing delay, then drops) and fixed delay (needs the
// kernel's netem; refused with a clear message where it is missing). Ops: start-packet (value:
// a mode or null for a random one), stop-packet.

import { FaultlineError } from '../src/errors.js';
import type { Db, Nemesis, Net, Test } from '../src/protocols.js';
import { opt, type OptionValues } from '../src/plugin/options.js';
import { faultPackage } from '../src/plugin/nemesis-package.js';
import { chooseTargets, type TargetSpec } from './targets.js';
import { defineNemesis, targetsOption } from './registry.js';

export const PACKET_MODES = ['loss', 'rate', 'delay'] as const;
export type PacketMode = (typeof PACKET_MODES)[number];
export const PACKET_COLOR = '#f76b15';

export const packetOptions = {
  packet: opt.list({ values: PACKET_MODES, doc: 'modes picked from at random (default: loss, plus rate where the net can rate-limit)' }),
  'packet-loss': opt.number({ min: 0.001, max: 1, default: 0.2, doc: 'probability of dropping each packet' }),
  'packet-rate': opt.number({ min: 1, default: 256, unit: 'kbit/s', doc: 'egress rate limit' }),
  'packet-latency': opt.number({ min: 1, default: 500, unit: 'ms', doc: 'longest queueing delay under a rate limit before drops' }),
  'packet-delay': opt.number({ min: 0, default: 100, unit: 'ms', doc: 'fixed delay (needs netem)' }),
  'packet-targets': targetsOption('a packet fault', ['all']),
};
export type PacketSettings = OptionValues<typeof packetOptions>;

/** The modes a run uses: the chosen ones, or loss plus rate where the net can rate-limit. */
export function packetModes(db: Db, s: PacketSettings): PacketMode[] {
  return s.packet ?? (db.net?.rate ? ['loss', 'rate'] : ['loss']);
}

export function packetNemesis(db: Db, s: PacketSettings): Nemesis {
  const modes = packetModes(db, s);
  const net = (test: Test): Net => {
    const n = test.net;
    if (!n?.fast) throw new FaultlineError('UNSUPPORTED', `db ${db.name} has no network for packet faults`, '--nemesis packet');
    return n;
  };
  return {
    fs: ['start-packet', 'stop-packet'],
    async invoke(test, op) {
      const n = net(test);
      if (op.f === 'stop-packet') {
        await n.fast!(test);
        return { type: 'info', value: 'fast' };
      }
      const mode = (typeof op.value === 'string' ? op.value : test.rng.pick(modes)) as PacketMode;
      const nodes = await chooseTargets(test, db, test.rng.pick(s['packet-targets']));
      switch (mode) {
        case 'loss':
          await n.loss!(test, s['packet-loss'], nodes);
          return { type: 'info', value: { mode, loss: s['packet-loss'], nodes } };
        case 'rate':
          await n.rate!(test, s['packet-rate'], s['packet-latency'], nodes);
          return { type: 'info', value: { mode, kbit: s['packet-rate'], latencyMs: s['packet-latency'], nodes } };
        case 'delay':
          await n.delay!(test, s['packet-delay'], Math.round(s['packet-delay'] / 4), nodes);
          return { type: 'info', value: { mode, ms: s['packet-delay'], nodes } };
        default:
          throw new FaultlineError('BAD_ARGUMENT', `unknown packet mode '${String(mode)}'`, 'start-packet');
      }
    },
    async teardown(test) {
      await test.net?.fast?.(test);
    },
  };
}

export const packetPlugin = defineNemesis({
  name: 'packet',
  doc: 'packet faults: loss (iptables statistic), rate limiting (tc tbf), delay (netem, where the kernel has it)',
  options: packetOptions,
  requires: (o) => (o.packet ?? ['loss']).map((m) => `packet-${m}` as const),
  create: ({ db, intervalS, options }) =>
    faultPackage({ name: 'packet', nemesis: packetNemesis(db, options), intervalS, start: ['start-packet'], stop: 'stop-packet', color: PACKET_COLOR }),
});

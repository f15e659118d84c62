// Packet faults through the Db's Net: loss (drop a fraction of incoming packets), rate limiting
// (egress shaped with a token bucket: queueing delay, then drops) and fixed delay (needs the
// kernel's netem; refused with a clear message where it is missing). Ops: start-packet (value:
// a mode or null for a random one), stop-packet. Options (--nemesis-option):
// packet=loss+rate+delay (modes; default loss+rate when the net can rate-limit, else loss),
// packet-loss=P (default 0.2), packet-rate=KBIT (default 256), packet-latency=MS (queue limit,
// default 500), packet-delay=MS (default 100), packet-targets=one+minority+majority+all.

import { FaultlineError } from '../src/errors.js';
import type { Nemesis, NemesisPackage, Net, Test } from '../src/protocols.js';
import { faultPackage } from './package.js';
import { isRateLimiting } from '../src/docker/net.js';
import { chooseTargets, type TargetSpec } from './targets.js';
import { parseTargets } from './process-faults.js';
import { registerNemesis, type NemesisOptions } from './registry.js';

export const PACKET_MODES = ['loss', 'rate', 'delay'] as const;
export type PacketMode = (typeof PACKET_MODES)[number];
export const PACKET_COLOR = '#f76b15';

export interface PacketSettings {
  /** Modes; null = the default, decided at setup: loss, plus rate where the net can rate-limit. */
  modes: PacketMode[] | null;
  loss: number;
  rateKbit: number;
  latencyMs: number;
  delayMs: number;
  targets: TargetSpec[];
}

export function packetSettings(options: Record<string, string>): PacketSettings {
  const num = (k: string, def: number, ok: (v: number) => boolean): number => {
    const v = options[k] === undefined ? def : Number(options[k]);
    if (!Number.isFinite(v) || !ok(v)) throw new FaultlineError('BAD_ARGUMENT', `bad value '${options[k]}'`, `--nemesis-option ${k}`);
    return v;
  };
  const modesS = options['packet'];
  const modes = modesS ? (modesS.split('+').map((m) => m.trim()) as PacketMode[]) : null;
  for (const m of modes ?? []) {
    if (!(PACKET_MODES as readonly string[]).includes(m)) {
      throw new FaultlineError('BAD_ARGUMENT', `unknown packet mode '${m}' (known: ${PACKET_MODES.join(', ')})`, '--nemesis-option packet=');
    }
  }
  return {
    modes,
    loss: num('packet-loss', 0.2, (v) => v > 0 && v <= 1),
    rateKbit: num('packet-rate', 256, (v) => v > 0),
    latencyMs: num('packet-latency', 500, (v) => v > 0),
    delayMs: num('packet-delay', 100, (v) => v >= 0),
    targets: options['packet-targets'] ? parseTargets(options['packet-targets'], '--nemesis-option packet-targets=') : ['all'],
  };
}

export function packetNemesis(opts: NemesisOptions, s: PacketSettings): Nemesis {
  const { db } = opts;
  const net = (test: Test): Net => {
    const n = test.net;
    if (!n) throw new FaultlineError('UNSUPPORTED', `db ${db.name} has no network for packet faults`, '--nemesis packet');
    return n;
  };
  let modes: PacketMode[] = s.modes ?? ['loss'];
  const check = (n: Net): void => {
    modes = s.modes ?? (isRateLimiting(n) ? ['loss', 'rate'] : ['loss']);
    for (const m of modes) {
      const ok = m === 'loss' ? !!n.loss : m === 'delay' ? !!n.delay : isRateLimiting(n);
      if (!ok || !n.fast) throw new FaultlineError('UNSUPPORTED', `db ${db.name}'s network cannot do packet ${m}`, '--nemesis-option packet=');
    }
  };
  return {
    fs: ['start-packet', 'stop-packet'],
    async setup(test) {
      check(net(test));
    },
    async invoke(test, op) {
      const n = net(test);
      if (op.f === 'stop-packet') {
        await n.fast!(test);
        return { type: 'info', value: 'fast' };
      }
      const mode = (typeof op.value === 'string' ? op.value : test.rng.pick(modes)) as PacketMode;
      const nodes = await chooseTargets(test, db, test.rng.pick(s.targets));
      switch (mode) {
        case 'loss':
          await n.loss!(test, s.loss, nodes);
          return { type: 'info', value: { mode, loss: s.loss, nodes } };
        case 'rate':
          if (!isRateLimiting(n)) throw new FaultlineError('UNSUPPORTED', `db ${db.name}'s network cannot rate-limit`, '--nemesis-option packet=');
          await n.rate(test, s.rateKbit, s.latencyMs, nodes);
          return { type: 'info', value: { mode, kbit: s.rateKbit, latencyMs: s.latencyMs, nodes } };
        case 'delay':
          await n.delay!(test, s.delayMs, Math.round(s.delayMs / 4), nodes);
          return { type: 'info', value: { mode, ms: s.delayMs, nodes } };
        default:
          throw new FaultlineError('BAD_ARGUMENT', `unknown packet mode '${String(mode)}'`, 'start-packet');
      }
    },
    async teardown(test) {
      await test.net?.fast?.(test);
    },
  };
}

export function packetPackage(opts: NemesisOptions): NemesisPackage {
  if (!opts.db.net) throw new FaultlineError('UNSUPPORTED', `db ${opts.db.name} has no network for packet faults`, '--nemesis packet');
  const s = packetSettings(opts.options);
  return faultPackage({ name: 'packet', nemesis: packetNemesis(opts, s), intervalS: opts.intervalS, start: ['start-packet'], stop: 'stop-packet', color: PACKET_COLOR });
}

registerNemesis({
  name: 'packet',
  description: 'packet faults: loss (iptables statistic), rate limiting (tc tbf), delay (netem, where the kernel has it) (--nemesis-option packet=loss+rate)',
  create: packetPackage,
});

// Pieces every backend of a declared system shares: a Net that forwards to the backend's
// iptables net once it exists (faults are declared before setup, applied after), and a Clock that
// moves a node's wall clock by rewriting the offset file its processes read (libfaketime or
// clockshift).

import { FaultlineError } from './errors.js';
import type { Clock, Net } from './protocols.js';
import type { SystemSpec } from './system.js';
import type { IptablesNet } from './iptables-net.js';

/** A Net whose faults act on `net()` (which throws until the backend is set up). */
export function forwardingNet(net: () => IptablesNet): Net {
  return {
    partition: (t, g) => net().partition(t, g),
    heal: (t) => net().heal(t),
    loss: (t, p, nodes) => net().loss(t, p, nodes),
    rate: (t, kbit, latencyMs, nodes) => net().rate(t, kbit, latencyMs, nodes),
    delay: (t, ms, jitter, nodes) => net().delay(t, ms, jitter, nodes),
    fast: (t) => net().fast(t),
  };
}

/** libfaketime's offset syntax: `+1.500` / `-0.250` seconds. */
export function faketimeOffset(ms: number): string {
  return `${ms < 0 ? '-' : '+'}${(Math.abs(ms) / 1000).toFixed(3)}\n`;
}

/**
 * The clock of a system: through libfaketime where the server honours it, or clockshift for
 * servers that bypass libc (both read the offset `write` puts where the node's processes read
 * it), else refused with the system's reason. A backend that cannot run clockshift passes
 * `noClockshift`, the reason it refuses such systems.
 */
export function systemClock(clock: SystemSpec['clock'], write: (node: string, offsetMs: number) => Promise<void>, noClockshift?: string): Clock {
  const reason = typeof clock === 'object' ? clock.unsupported : clock === 'clockshift' ? noClockshift : undefined;
  if (reason !== undefined) {
    const refuse = (): Promise<never> => Promise.reject(new FaultlineError('UNSUPPORTED', `clock faults: ${reason}`, '--nemesis clock'));
    return { supported: false, reason, bump: refuse, reset: refuse };
  }
  const offsets = new Map<string, number>();
  return {
    supported: true,
    bump: async (_test, node, deltaMs) => {
      const next = (offsets.get(node) ?? 0) + deltaMs;
      await write(node, next);
      offsets.set(node, next);
    },
    reset: async (_test, nodes) => {
      await Promise.all(nodes.map((n) => write(n, 0)));
      for (const n of nodes) offsets.delete(n);
    },
  };
}

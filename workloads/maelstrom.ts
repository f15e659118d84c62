// Maelstrom's workloads under Maelstrom's names and message schemas (see src/maelstrom/ for the
// requests each sends): echo, broadcast, g-set, g-counter, pn-counter, lin-kv, txn-list-append,
// txn-rw-register and unique-ids. Where faultline has the same workload under its own name
// (set, register, list-append, rw-register), the Maelstrom name reuses it. Workloads with a final
// phase wait 10 s after healing before their final reads, as Maelstrom does (`--recovery-wait`).

import { eachThread, fn, once } from '../src/generator/index.js';
import type { Workload } from '../src/protocols.js';
import { opt, type OptionValues } from '../src/plugin/options.js';
import { DEFAULT_TOPOLOGY, TOPOLOGIES } from '../src/maelstrom/topology.js';
import { checkerFor, workloadChecker } from './checkers.js';
import { listAppendTxns } from './list-append.js';
import { registerOptions, registerWorkloadFor } from './register.js';
import { defineWorkload, type WorkloadContext } from './registry.js';
import { rwRegisterTxns } from './rw-register.js';
import { setOptions, setWorkload } from './set.js';
import { txnOptions, txnWorkload } from './txn-workloads.js';

/** Maelstrom's recovery wait before final reads (its `final-time`). */
export const MAELSTROM_RECOVERY_S = 10;

const renamed = (w: Workload, name: string): Workload => ({ ...w, name, ...(w.finalGenerator ? { recoveryS: MAELSTROM_RECOVERY_S } : {}) });

defineWorkload({
  name: 'echo',
  doc: "Maelstrom's echo: every echo_ok returns what was sent",
  create: () => ({
    name: 'echo',
    generator: fn((ctx) => ({ f: 'echo', value: `Please echo ${ctx.rng.int(128)}` })),
    checker: workloadChecker({ echo: checkerFor('echo') }),
  }),
});

const broadcastOptions = {
  topology: opt.enum(TOPOLOGIES, { default: DEFAULT_TOPOLOGY, doc: 'the neighbours each node is told in its topology message' }),
  'read-every': opt.number({ integer: true, min: 1, default: 5, doc: 'one operation in this many is a read' }),
};

function broadcastWorkload(opts: WorkloadContext<OptionValues<typeof broadcastOptions>>): Workload {
  const readEvery = opts.options['read-every'];
  let next = 0;
  let ops = 0;
  return {
    name: 'broadcast',
    generator: fn(() => (++ops % readEvery === 0 ? { f: 'read', value: null } : { f: 'broadcast', value: next++ })),
    finalGenerator: eachThread(once({ f: 'read', value: null, final: true }))!,
    recoveryS: MAELSTROM_RECOVERY_S,
    // set-full: every acknowledged message in every final read, plus when each became stable.
    checker: workloadChecker({ broadcast: checkerFor('set-full', { addF: 'broadcast' }) }),
  };
}

defineWorkload({
  name: 'broadcast',
  options: broadcastOptions,
  doc: "Maelstrom's broadcast (topology, broadcast, read): set-full on reads, final reads after a recovery wait, stable latencies",
  create: broadcastWorkload,
});

defineWorkload({
  name: 'g-set',
  options: setOptions,
  doc: "Maelstrom's grow-only set (add {element}, read): set-full, final reads after a recovery wait",
  create: (o) => renamed(setWorkload(o), 'g-set'),
});

function counter(name: 'g-counter' | 'pn-counter'): Workload {
  return {
    name,
    generator: fn((ctx) => {
      if (ctx.rng.next() < 0.25) return { f: 'read', value: null };
      const delta = 1 + ctx.rng.int(5);
      return { f: 'add', value: name === 'pn-counter' && ctx.rng.next() < 0.4 ? -delta : delta };
    }),
    finalGenerator: eachThread(once({ f: 'read', value: null, final: true }))!,
    recoveryS: MAELSTROM_RECOVERY_S,
    checker: workloadChecker({ counter: checkerFor('final-counter') }),
  };
}

defineWorkload({
  name: 'g-counter',
  doc: "Maelstrom's grow-only counter (add {delta}, read): final reads = acknowledged adds + a subset of indeterminate ones",
  create: () => counter('g-counter'),
});

defineWorkload({
  name: 'pn-counter',
  doc: "Maelstrom's PN-counter (add {delta} of either sign, read): final reads = acknowledged adds + a subset of indeterminate ones",
  create: () => counter('pn-counter'),
});

defineWorkload({
  name: 'lin-kv',
  options: registerOptions,
  doc: "Maelstrom's lin-kv (read/write/cas {key}): linearizability per key (cas-register model)",
  create: (o) => renamed(registerWorkloadFor(o), 'lin-kv'),
});

defineWorkload({
  name: 'txn-list-append',
  options: txnOptions,
  doc: "Maelstrom's txn-list-append (txn of [\"r\"|\"append\", k, v] micro-ops): Elle list-append",
  create: (o) => txnWorkload('txn-list-append', 'list-append', listAppendTxns, o),
});

defineWorkload({
  name: 'txn-rw-register',
  options: txnOptions,
  doc: "Maelstrom's txn-rw-register (txn of [\"r\"|\"w\", k, v] micro-ops): Elle rw-register",
  create: (o) => txnWorkload('txn-rw-register', 'rw-register', rwRegisterTxns, o),
});

defineWorkload({
  name: 'unique-ids',
  doc: "Maelstrom's unique-ids (generate → id): no id handed out twice",
  create: () => ({
    name: 'unique-ids',
    generator: fn(() => ({ f: 'generate', value: null })),
    checker: workloadChecker({ 'unique-ids': checkerFor('unique-ids') }),
  }),
});

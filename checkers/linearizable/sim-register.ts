// A simulated atomic register (values 0..valueRange-1) driven by concurrent clients, producing a
// faultline history (Jepsen op model): for tests and benchmarks of the checker at scale. Each op
// takes effect at a random point inside its [invoke, complete] interval; crashed ops (`info`)
// take effect or not at random and their process is replaced by a fresh one, as in Jepsen.
// With `staleReadRate` > 0 some reads return an old value (a linearizability violation).

import type { History, Op } from '../../src/history.js';
import { createRng } from '../../src/rng.js';

export interface SimRegisterOptions {
  ops: number;
  processes: number;
  crashRate?: number; // fraction of ops that crash (default 0.02)
  valueRange?: number; // default 5
  seed?: number;
  /** Wrap values as independent-key tuples [key, v] with this many keys (0 = plain values). */
  keys?: number;
  staleReadRate?: number;
}

interface Planned {
  process: number;
  f: 'read' | 'write' | 'cas';
  value: unknown;
  invoke: number;
  lin: number;
  complete: number;
  crashed: boolean;
  applies: boolean;
  output?: unknown;
  ok?: boolean;
  key: number;
}

export function simulateRegister(o: SimRegisterOptions): History {
  const rng = createRng(o.seed ?? 1);
  const range = o.valueRange ?? 5;
  const crashRate = o.crashRate ?? 0.02;
  const planned: Planned[] = [];
  const clock = new Array<number>(o.processes).fill(0);
  const pid = Array.from({ length: o.processes }, (_, i) => i);
  for (let i = 0; i < o.ops; i++) {
    const slot = rng.int(o.processes);
    const invoke = clock[slot]! + 1 + rng.int(1000);
    const lin = invoke + 1 + rng.int(2000);
    const complete = lin + 1 + rng.int(2000);
    const r = rng.next();
    const f = r < 0.5 ? 'read' : r < 0.75 ? 'write' : 'cas';
    const value = f === 'read' ? null : f === 'write' ? rng.int(range) : [rng.int(range), rng.int(range)];
    const crashed = rng.next() < crashRate;
    planned.push({ process: pid[slot]!, f, value, invoke, lin, complete, crashed, applies: !crashed || rng.next() < 0.5, key: o.keys ? rng.int(o.keys) : 0 });
    clock[slot] = complete;
    if (crashed) pid[slot]! += o.processes; // a crashed client gets a fresh process id
  }
  // Apply effects in linearization order.
  const regs = new Map<number, number | null>();
  const history: { value: unknown; v: number | null }[] = [];
  for (const p of [...planned].sort((a, b) => a.lin - b.lin)) {
    const cur = regs.get(p.key) ?? null;
    if (!p.applies) continue;
    if (p.f === 'read') {
      p.output = cur;
      if (o.staleReadRate && rng.next() < o.staleReadRate) {
        // An old value (three writes back), or any value while there is no such history yet.
        const old = history.length > 3 ? history[history.length - 3]!.v : rng.int(range);
        p.output = old === cur ? ((cur ?? 0) + 1) % range : old;
      }
      p.ok = true;
    } else if (p.f === 'write') {
      regs.set(p.key, p.value as number);
      history.push({ value: p.value, v: p.value as number });
      p.ok = true;
    } else {
      const [from, to] = p.value as [number, number];
      p.ok = cur === from;
      if (p.ok) regs.set(p.key, to);
    }
  }
  const tuple = (p: Planned, v: unknown): unknown => (o.keys ? [p.key, v] : v);
  const events: { t: number; op: Omit<Op, 'index'> }[] = [];
  for (const p of planned) {
    events.push({ t: p.invoke, op: { time: p.invoke, type: 'invoke', process: p.process, f: p.f, value: tuple(p, p.value) } });
    if (p.crashed) {
      events.push({ t: p.complete, op: { time: p.complete, type: 'info', process: p.process, f: p.f, value: tuple(p, p.value), error: 'timeout' } });
    } else {
      const value = p.f === 'read' ? p.output : p.value;
      events.push({ t: p.complete, op: { time: p.complete, type: p.ok ? 'ok' : 'fail', process: p.process, f: p.f, value: tuple(p, value) } });
    }
  }
  events.sort((a, b) => a.t - b.t);
  return events.map((e, index) => ({ ...e.op, index }) as Op);
}

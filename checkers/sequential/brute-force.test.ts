// The sequential-consistency checker against a brute-force reference on thousands of small random
// histories: one register or two independent keys, writes, reads and cas, crashed (info) and
// failed ops, processes replaced after a crash. The reference tries every interleaving of the
// processes' ops (each process in its own order), letting each crashed op take effect or not.
// Half the histories come from a sequentially consistent execution, half have one read altered,
// so both false alarms and missed violations would show.

import { describe, expect, it } from 'vitest';
import type { History, Op } from '../../src/history.js';
import { createRng, type Rng } from '../../src/rng.js';
import { checkSequential } from './index.js';

interface Gop {
  process: number;
  f: 'read' | 'write' | 'cas';
  key: number;
  /** write: value; cas: [from, to]; read: the value read. */
  arg: number | null | [number, number];
  type: 'ok' | 'fail' | 'info';
}

const keyOf = (s: Map<number, number | null>, k: number): number | null => s.get(k) ?? null;

/** Is there an order of the ops, each process's in order, in which every ok op is legal (crashed ones optional)? */
function bruteSC(ops: Gop[]): boolean {
  const byProc = new Map<number, Gop[]>();
  for (const o of ops) {
    if (o.type === 'fail') continue; // did not happen
    if (o.f === 'read' && o.type === 'info') continue; // unknown value, no effect
    let l = byProc.get(o.process);
    if (!l) byProc.set(o.process, (l = []));
    l.push(o);
  }
  const queues = [...byProc.values()];
  const seen = new Set<string>();
  const pos = queues.map(() => 0);
  const go = (state: Map<number, number | null>): boolean => {
    if (queues.every((q, i) => pos[i] === q.length)) return true;
    const memo = `${pos.join(',')}|${[...state.entries()].sort().join(';')}`;
    if (seen.has(memo)) return false;
    seen.add(memo);
    for (let i = 0; i < queues.length; i++) {
      const o = queues[i]![pos[i]!];
      if (!o) continue;
      pos[i]!++;
      const cur = keyOf(state, o.key);
      let next: Map<number, number | null> | undefined;
      if (o.f === 'read') next = o.arg === cur ? state : undefined;
      else if (o.f === 'write') next = new Map(state).set(o.key, o.arg as number);
      else {
        const [from, to] = o.arg as [number, number];
        next = from === cur ? new Map(state).set(o.key, to) : undefined;
      }
      if (next && go(next)) return (pos[i]!--, true);
      if (o.type === 'info' && go(state)) return (pos[i]!--, true); // the crashed op never took effect
      pos[i]!--;
    }
    return false;
  };
  return go(new Map());
}

/**
 * Runs random programs against one shared register map in a random interleaving (an SC, indeed
 * linearizable, execution), with crashes and failed cas; then maybe alters one ok read.
 */
function generate(rng: Rng, keys: number, corrupt: boolean): Gop[] {
  const threads = 2 + rng.int(2);
  const nOps = 4 + rng.int(6);
  const state = new Map<number, number | null>();
  const procOf = Array.from({ length: threads }, (_, t) => t);
  let nextProc = threads;
  const out: Gop[] = [];
  for (let i = 0; i < nOps; i++) {
    const t = rng.int(threads);
    const key = rng.int(keys);
    const r = rng.next();
    const process = procOf[t]!;
    const cur = keyOf(state, key);
    let op: Gop;
    if (r < 0.4) op = { process, f: 'read', key, arg: cur, type: 'ok' };
    else if (r < 0.75) {
      const v = rng.int(3);
      op = { process, f: 'write', key, arg: v, type: 'ok' };
      state.set(key, v);
    } else {
      const from = rng.int(3);
      const to = rng.int(3);
      const ok = cur === from;
      op = { process, f: 'cas', key, arg: [from, to], type: ok ? 'ok' : 'fail' };
      if (ok) state.set(key, to);
    }
    // A crash: the op may or may not have happened; the thread continues as a new process.
    if (op.f !== 'read' && rng.next() < 0.2) {
      if (op.type === 'fail') state.set(key, cur); // it did not happen: keep the state as it was
      else if (rng.next() < 0.5) state.set(key, cur); // crashed before taking effect
      op.type = 'info';
      procOf[t] = nextProc++;
    }
    out.push(op);
  }
  if (corrupt) {
    const reads = out.filter((o) => o.f === 'read' && o.type === 'ok');
    if (reads.length) {
      const o = reads[rng.int(reads.length)]!;
      const vals = [null, 0, 1, 2].filter((v) => v !== o.arg);
      o.arg = vals[rng.int(vals.length)]!;
    }
  }
  return out;
}

/** Each op becomes invoke + completion; completions are delayed at random (other processes' events may come between). */
function toHistory(ops: Gop[], keyed: boolean, rng: Rng): History {
  const events: Omit<Op, 'index' | 'time'>[] = [];
  const pending: Omit<Op, 'index' | 'time'>[] = [];
  const enc = (o: Gop, v: unknown) => (keyed ? [o.key, v] : v);
  for (const o of ops) {
    // Flush this process's pending completion before its next invocation.
    for (let i = pending.length - 1; i >= 0; i--) if (pending[i]!.process === o.process || rng.next() < 0.5) events.push(pending.splice(i, 1)[0]!);
    events.push({ type: 'invoke', process: o.process, f: o.f, value: enc(o, o.f === 'read' ? null : o.arg) });
    const out = o.f === 'read' ? (o.type === 'ok' ? o.arg : null) : o.arg;
    pending.push({ type: o.type, process: o.process, f: o.f, value: enc(o, out) });
  }
  events.push(...pending);
  return events.map((e, index) => ({ ...e, index, time: index }) as Op);
}

describe('sequential consistency = brute force on small random histories', () => {
  for (const keys of [1, 2]) {
    it(`${keys === 1 ? 'one register' : 'two independent keys'}, with cas, crashes and failures`, async () => {
      const rng = createRng(keys * 7919);
      const tally = { valid: 0, invalid: 0 };
      for (let i = 0; i < 1500; i++) {
        const ops = generate(rng, keys, rng.next() < 0.5);
        const h = toHistory(ops, keys > 1, rng);
        const expected = bruteSC(ops);
        const r = await checkSequential(h, { model: 'cas-register', keyed: keys > 1, timeLimitMs: 10_000 });
        if (r.valid !== expected) {
          throw new Error(`history ${i}: checker says ${String(r.valid)}, brute force ${expected}\n${h.map((o) => JSON.stringify(o)).join('\n')}`);
        }
        tally[expected ? 'valid' : 'invalid']++;
      }
      // Both verdicts are well represented, or the comparison proves little.
      expect(tally.valid).toBeGreaterThan(300);
      expect(tally.invalid).toBeGreaterThan(300);
    });
  }
});

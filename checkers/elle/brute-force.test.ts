// Cross-check against brute force: on small random histories, whenever the checker says a
// history is not (strict-)serializable, no (real-time respecting) serial order of the committed
// transactions may explain every read — no false alarms. It must also catch every history that
// brute force proves non-serializable, as long as each committed write was eventually read.
import { describe, expect, it } from 'vitest';
import type { History } from '../../src/history.js';
import { checkElle } from './check.js';
import { simulate, type SimIsolation } from './simulate.js';

/** A txn that committed (ok) or may have (info: reads unknown, completion never). */
interface T { mops: unknown[][]; invoke: number; complete: number; maybe: boolean }

function committed(h: History): { ok: T[]; failedWrites: Set<string> } {
  const open = new Map<unknown, number>();
  const ok: T[] = [];
  const failedWrites = new Set<string>();
  for (const op of h) {
    if (op.type === 'invoke') { open.set(op.process, op.index); continue; }
    const inv = open.get(op.process)!;
    if (op.type === 'ok') ok.push({ mops: op.value as unknown[][], invoke: inv, complete: op.index, maybe: false });
    else if (op.type === 'info') ok.push({ mops: op.value as unknown[][], invoke: inv, complete: Infinity, maybe: true });
    else for (const m of op.value as unknown[][]) if (m[0] !== 'r') failedWrites.add(JSON.stringify([m[1], m[2]]));
  }
  return { ok, failedWrites };
}

/** Does some order of the txns (respecting real time if asked) explain every read? Info txns
 *  may be left out (never committed); their reads are unknown. */
function serializable(txns: T[], append: boolean, realtime: boolean): boolean {
  const n = txns.length;
  const must = txns.filter((t) => !t.maybe).length;
  const used = new Array(n).fill(false);
  const state = new Map<unknown, unknown>();
  const rec = (placed: number): boolean => {
    if (placed === must) return true;
    for (let i = 0; i < n; i++) {
      if (used[i]) continue;
      // Real time: everything that completed before i was invoked must already be placed.
      if (realtime && txns.some((o, j) => !used[j] && j !== i && o.complete < txns[i]!.invoke)) continue;
      const saved = new Map(state);
      let fits = true;
      for (const [f, k, v] of txns[i]!.mops) {
        if (f === 'r') {
          if (txns[i]!.maybe) continue;
          const cur = state.get(k) ?? (append ? [] : null);
          if (JSON.stringify(cur) !== JSON.stringify(v ?? (append ? [] : null))) { fits = false; break; }
        } else state.set(k, append ? [...((state.get(k) as unknown[]) ?? []), v] : v);
      }
      if (fits) {
        used[i] = true;
        if (rec(placed + (txns[i]!.maybe ? 0 : 1))) return true;
        used[i] = false;
      }
      state.clear();
      for (const [k, v] of saved) state.set(k, v);
    }
    return false;
  };
  return rec(0);
}

/** Every committed write shows up in some read (so the version order is fully known). */
function allWritesRead(txns: T[]): boolean {
  const seen = new Set<string>();
  for (const t of txns) for (const [f, k, v] of t.mops) {
    if (f !== 'r') continue;
    for (const x of Array.isArray(v) ? v : [v]) seen.add(JSON.stringify([k, x]));
  }
  return txns.every((t) => t.mops.every(([f, k, v]) => f === 'r' || seen.has(JSON.stringify([k, v]))));
}

const isolations: SimIsolation[] = ['serializable', 'stale-serializable', 'snapshot-isolation', 'read-committed', 'read-uncommitted', 'aborted-read'];

for (const workload of ['list-append', 'rw-register'] as const) {
  describe(`${workload}: agrees with brute force on small histories`, () => {
    it('never flags an explainable history, and catches the unexplainable ones', () => {
      let flagged = 0, missed = 0, checked = 0;
      for (let seed = 1; seed <= 240; seed++) {
        const isolation = isolations[seed % isolations.length]!;
        const infoProbability = seed % 4 === 1 ? 0.2 : 0;
        const h = simulate({ isolation, workload, txns: 7, processes: 3, seed, gen: { keyCount: 2, maxTxnLength: 3 }, abortProbability: 0.3, infoProbability });
        const { ok, failedWrites } = committed(h);
        const readsAborted = ok.some((t) => t.mops.some(([f, k, v]) => f === 'r' && (Array.isArray(v) ? v : [v]).some((x) => failedWrites.has(JSON.stringify([k, x])))));
        for (const [model, realtime] of [['serializable', false], ['strict-serializable', true]] as const) {
          const r = checkElle(h, workload, { consistencyModel: model });
          const explainable = !readsAborted && serializable(ok, workload === 'list-append', realtime);
          checked++;
          if (r.valid === false) {
            flagged++;
            expect({ seed, isolation, model, explainable, anomalies: r.anomalyTypes }).toMatchObject({ explainable: false });
          } else if (workload === 'rw-register' && realtime && explainable) {
            // Version orders from process and real-time order are sound for strict serializability.
            const flags = checkElle(h, workload, { consistencyModel: model, sequentialKeys: true, linearizableKeys: true });
            expect({ seed, isolation, flags: flags.valid, anomalies: flags.anomalyTypes }).toMatchObject({ flags: true });
          } else if (!explainable && allWritesRead(ok) && workload === 'list-append' && !infoProbability) {
            missed++;
            expect({ seed, isolation, model, valid: r.valid, history: h }).toBeNull();
          }
        }
      }
      expect(checked).toBe(480);
      expect(flagged).toBeGreaterThan(40);
      expect(missed).toBe(0);
    });
  });
}

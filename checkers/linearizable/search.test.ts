// The search's dead-read rule (search.ts, forcedReadOnly/rescuable): a pending read that is
// doomed in the current state, with no op left that may come before it and reset it, ends the
// configuration at once - instead of after every order of the ops still open around it. Checked
// by the explored step count (deterministic), and by verdicts where a reset does or does not
// remain available.

import { describe, expect, it } from 'vitest';
import type { Op } from '../../src/history.js';
import { checkLinearizable } from './index.js';

/** Ops from [process, type, f, key, value] rows, in order. */
function history(rows: [number, Op['type'], string, string, string | null][]): Op[] {
  return rows.map(([process, type, f, k, v], index) => ({ index, time: index, type, process, f, value: [k, v] }));
}

const check = (h: Op[]) => checkLinearizable(h, { model: 'kv', witness: false, workers: 0 });

describe('dead reads', () => {
  // append x completes; then six appends and a get that returns "" are open together. The get
  // is doomed once x is in ("x" is not a prefix of ""), and no put may come before it.
  const K = 6;
  const rows: [number, Op['type'], string, string, string | null][] = [
    [0, 'invoke', 'append', 'k', 'x'],
    [0, 'ok', 'append', 'k', 'x'],
  ];
  for (let p = 1; p <= K; p++) rows.push([p, 'invoke', 'append', 'k', `a${p}`]);
  rows.push([0, 'invoke', 'get', 'k', null]);
  for (let p = 1; p <= K; p++) rows.push([p, 'ok', 'append', 'k', `a${p}`]);
  rows.push([0, 'ok', 'get', 'k', '']);

  it('refutes at once instead of trying every order of the open appends', () => {
    const r = check(history(rows));
    expect(r.valid).toBe(false);
    // Without the rule the search tries the appends' orders (6! of them) before the get blocks.
    expect(r.stats.explored).toBeLessThan(50);
  });

  it('keeps a configuration whose doomed read a pending put may still reset', () => {
    // A put of "" invoked before the get returns can come right before it.
    const h = rows.slice(0, 2 + K);
    h.push([K + 1, 'invoke', 'put', 'k', '']);
    h.push(...rows.slice(2 + K));
    h.push([K + 1, 'ok', 'put', 'k', '']);
    expect(check(history(h)).valid).toBe(true);
  });

  it('a put invoked only after the read returned cannot rescue it', () => {
    const h = [...rows, [K + 1, 'invoke', 'put', 'k', ''], [K + 1, 'ok', 'put', 'k', '']] as typeof rows;
    expect(check(history(h)).valid).toBe(false);
  });

  it('a crashed put invoked before the read returns may rescue it', () => {
    const h = rows.slice(0, 2 + K);
    h.push([K + 1, 'invoke', 'put', 'k', '']);
    h.push(...rows.slice(2 + K));
    h.push([K + 1, 'info', 'put', 'k', '']);
    expect(check(history(h)).valid).toBe(true);
  });
});

import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Op } from './history.js';
import type { FaultlineError } from './errors.js';
import { createRunDir, HistoryWriter } from './store.js';

const op = (i: number): Op => ({ index: i, time: i, type: 'invoke', process: 0, f: 'read', value: null });

describe('history writer', () => {
  it('reports a write error to its owner once, from the timer, without throwing', async () => {
    const errors: FaultlineError[] = [];
    const w = new HistoryWriter('/dev/full', { flushMs: 5, onError: (e) => errors.push(e) });
    for (let i = 0; i < 100; i++) w.append(op(i));
    await new Promise((r) => setTimeout(r, 50));
    w.append(op(100));
    w.flush();
    w.close();
    expect(errors).toHaveLength(1);
    expect(errors[0]!.code).toBe('IO');
    expect(errors[0]!.message).toBe('/dev/full: cannot write the history (0 ops are on disk): no space left on the device (ENOSPC)');
    expect(w.count).toBe(101);
    expect(w.written).toBe(0);
  });

  it('writes whole lines and counts them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fl-store-'));
    const w = new HistoryWriter(join(dir, 'h.jsonl'));
    for (let i = 0; i < 3; i++) w.append(op(i));
    w.close();
    expect(readFileSync(join(dir, 'h.jsonl'), 'utf8').split('\n')).toHaveLength(4);
    expect(w.written).toBe(3);
  });

  it('an unusable results root names --out', () => {
    expect(() => createRunDir('/proc/self/results', 'raft-register')).toThrow(/^--out: cannot create directory \/proc\/self\/results/);
  });
});

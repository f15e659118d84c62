import { describe, expect, it } from 'vitest';
import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoordinatorLog } from './log.js';

describe('coordinator log', () => {
  it('survives a restart: decisions, transfers and the sequence are read back; a torn last line is skipped', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'fl-2pc-')), 'log.jsonl');
    const a = new CoordinatorLog(path, 'fl_x_');
    a.append({ t: 'begin', gid: 'fl_x_7', transfer: { from: 1, to: 2, amount: 3 }, participants: ['n1', 'n2'] });
    a.append({ t: 'commit', gid: 'fl_x_7', participants: ['n1', 'n2'] }, true);
    a.append({ t: 'begin', gid: 'fl_x_8', transfer: { from: 2, to: 1, amount: 1 }, participants: ['n1', 'n2'] });
    a.close();
    appendFileSync(path, '{"t":"commit","gid":"fl_x_8","partic');
    const b = new CoordinatorLog(path, 'fl_x_');
    expect(b.decisions.get('fl_x_7')).toEqual(['n1', 'n2']);
    expect(b.decisions.has('fl_x_8')).toBe(false);
    expect(b.begins.get('fl_x_8')).toEqual({ from: 2, to: 1, amount: 1 });
    expect(b.maxSeq).toBe(8);
    b.append({ t: 'end', gid: 'fl_x_7' });
    b.close();
    expect(readFileSync(path, 'utf8').trim().split('\n').pop()).toBe('{"t":"end","gid":"fl_x_7"}');
  });
});

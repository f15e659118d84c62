// Raft's durable state: what is written is what a restarted node reads back, log truncation
// included, and a torn last line never swallows the records written after it.
import { appendFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RaftStorage } from './storage.js';

describe('RaftStorage', () => {
  it('recovers term, vote and the log after truncations', () => {
    const dir = mkdtempSync(join(tmpdir(), 'raft-storage-'));
    const a = new RaftStorage<string>(dir);
    expect(a.recovered).toBe(false);
    a.setTermVote(3, 'n2');
    a.append({ term: 1, op: 'a' });
    a.append({ term: 1, op: 'b' });
    a.append({ term: 2, op: 'c' });
    a.putFrom(2, [{ term: 3, op: 'x' }]); // a conflicting suffix is replaced
    a.close();
    const b = new RaftStorage<string>(dir);
    expect(b.recovered).toBe(true);
    expect([b.term, b.votedFor, b.lastIndex, b.lastTerm()]).toEqual([3, 'n2', 2, 3]);
    expect(b.log.slice(1).map((e) => e.op)).toEqual(['a', 'x']);
    b.close();
  });

  it('drops a torn last line and keeps later records', () => {
    const dir = mkdtempSync(join(tmpdir(), 'raft-storage-'));
    const a = new RaftStorage<string>(dir);
    a.append({ term: 1, op: 'a' });
    a.close();
    appendFileSync(join(dir, 'raft.jsonl'), '{"k":"a","i":2,"e":[{"te');
    const b = new RaftStorage<string>(dir);
    expect(b.lastIndex).toBe(1);
    b.append({ term: 1, op: 'b' });
    b.close();
    const c = new RaftStorage<string>(dir);
    expect(c.log.slice(1).map((e) => e.op)).toEqual(['a', 'b']);
    c.close();
  });
});

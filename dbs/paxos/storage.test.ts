// The Multi-Paxos acceptor store: what a restarted acceptor remembers, durable or (the
// forget-promises bug) not.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AcceptorStore } from './storage.js';

describe('AcceptorStore', () => {
  it('a durable store comes back with its promise and accepted values', () => {
    const dir = mkdtempSync(join(tmpdir(), 'paxos-store-'));
    const s = new AcceptorStore<string>(dir, true);
    s.promise(101);
    s.accept(101, [[1, 'a']]);
    s.close();
    const r = new AcceptorStore<string>(dir, true);
    expect(r.promised).toBe(101);
    expect(r.accepted.get(1)).toEqual({ ballot: 101, value: 'a' });
    r.close();
  });

  it('accepting a higher ballot than the last promise is a promise that survives a restart', () => {
    // An acceptor accepts a leader's ballot without having seen its prepare; after a restart it
    // must still refuse lower ballots, or it could accept a value over one it accepted later.
    const dir = mkdtempSync(join(tmpdir(), 'paxos-store-'));
    const s = new AcceptorStore<string>(dir, true);
    s.promise(101);
    s.accept(305, [[1, 'b']]);
    s.close();
    const r = new AcceptorStore<string>(dir, true);
    expect(r.promised).toBe(305);
    r.close();
  });

  it('forget-promises: a restarted acceptor comes back empty', () => {
    const dir = mkdtempSync(join(tmpdir(), 'paxos-store-'));
    const s = new AcceptorStore<string>(dir, false);
    s.promise(101);
    s.accept(101, [[1, 'a']]);
    const r = new AcceptorStore<string>(dir, false);
    expect(r.promised).toBe(0);
    expect(r.accepted.size).toBe(0);
  });
});

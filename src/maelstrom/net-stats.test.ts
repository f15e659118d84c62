// The Router's message counts (Maelstrom's net stats) and its message log (net.jsonl): groups,
// types, drops, refused client retries, delayed messages' times, the log's bound.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { netFacts } from '../net-facts.js';
import { NetJournal, type NetLogLine } from './net-journal.js';
import { groupOf } from './net-stats.js';
import { Router } from './router.js';

function setup() {
  const r = new Router(1);
  for (const n of ['n1', 'n2']) r.register(n, 'node', () => {});
  r.register('c1', 'client', () => {});
  r.register('lin-kv', 'service', () => {});
  const send = (src: string, dest: string, type: string) => r.send({ src, dest, body: { type, msg_id: 1 } });
  return { r, send };
}

const lines = (file: string): NetLogLine[] => readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as NetLogLine);

describe('NetStats', () => {
  it('groups messages as Maelstrom does: servers, clients (either end), services', () => {
    expect(groupOf('node', 'node')).toBe('servers');
    expect(groupOf('client', 'node')).toBe('clients');
    expect(groupOf('node', 'client')).toBe('clients');
    expect(groupOf('node', 'service')).toBe('services');
    expect(groupOf('node', undefined)).toBe('servers');
  });

  it('counts sent, delivered and dropped by group and type, and divides by client ops', () => {
    const { r, send } = setup();
    send('c1', 'n1', 'add');
    send('n1', 'c1', 'add_ok');
    send('n1', 'n2', 'gossip');
    send('n2', 'n1', 'gossip');
    send('n1', 'lin-kv', 'read');
    r.partition({ n2: ['n1'] });
    send('n1', 'n2', 'gossip'); // dropped by the partition
    const rec = r.net.record();
    expect(rec.groups.all).toEqual({ sent: 6, delivered: 5, dropped: 1, byType: { add: 1, add_ok: 1, gossip: 3, read: 1 } });
    expect(rec.groups.servers).toEqual({ sent: 3, delivered: 2, dropped: 1, byType: { gossip: 3 } });
    expect(rec.groups.clients.sent).toBe(2);
    expect(rec.groups.services.byType).toEqual({ read: 1 });
    const f = netFacts(rec, 2);
    expect(f.groups.all.msgsPerOp).toBe(3);
    expect(f.groups.servers.msgsPerOp).toBe(1.5);
    expect(f.groups.servers.byTypePerOp).toEqual({ gossip: 1.5 });
    expect(netFacts(rec, 0).groups.all.msgsPerOp).toBeNull();
  });

  it('a client request to a node that is not running is refused, not counted as a message; a node message to a dead node is a dropped message', () => {
    const { r, send } = setup();
    r.unregister('n2');
    expect(send('c1', 'n2', 'add')).toBe('unroutable');
    expect(send('c1', 'n2', 'add')).toBe('unroutable');
    expect(send('n1', 'n2', 'gossip')).toBe('unroutable');
    const rec = r.net.record();
    expect(rec.refused).toBe(2);
    expect(rec.groups.all).toEqual({ sent: 1, delivered: 0, dropped: 1, byType: { gossip: 1 } });
  });
});

describe('NetJournal', () => {
  it('logs each message with its send and delivery times in the given clock; delayed ones arrive later, pending ones are in flight at close', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fl-netlog-'));
    const { r, send } = setup();
    let now = 1000;
    const j = new NetJournal(join(dir, 'net.jsonl'));
    r.record(j, () => now);
    send('c1', 'n1', 'add');
    r.partition({ n2: ['n1'] });
    send('n1', 'n2', 'gossip');
    r.heal();
    r.delay(20, 0);
    send('n2', 'n1', 'gossip');
    now = 2000;
    await new Promise((res) => setTimeout(res, 60));
    send('n1', 'n2', 'late');
    now = 3000;
    r.close();
    const got = lines(join(dir, 'net.jsonl'));
    expect(got.map((l) => [l.type, l.fate, l.sent, l.at])).toEqual([
      ['add', 'delivered', 1000, 1000],
      ['gossip', 'partitioned', 1000, 1000],
      ['gossip', 'delivered', 1000, 2000],
      ['late', 'in-flight', 2000, null],
    ]);
    expect(got[0]).toMatchObject({ src: 'c1', dest: 'n1', msg_id: 1 });
    expect(j.info()).toEqual({ file: 'net.jsonl', messages: 4, truncated: false });
  });

  it('stops at its bound and says so; counting goes on', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fl-netlog-'));
    const { r, send } = setup();
    const j = new NetJournal(join(dir, 'net.jsonl'), 'net.jsonl', 3);
    r.record(j, () => 0);
    for (let i = 0; i < 10; i++) send('n1', 'n2', 'gossip');
    r.close();
    expect(lines(join(dir, 'net.jsonl'))).toHaveLength(3);
    expect(j.info()).toMatchObject({ messages: 3, truncated: true });
    expect(r.net.record().groups.servers.sent).toBe(10);
  });

  it('an unwritable log is reported, not thrown', () => {
    const j = new NetJournal('/nonexistent-dir/net.jsonl');
    j.add({ src: 'n1', dest: 'n2', body: { type: 'x' } }, 0, 0, 'delivered');
    j.close();
    expect(j.info().error).toMatch(/cannot open/);
  });
});

// Router faults without processes: partitions per link, random loss, latency; clients exempt.
import { describe, expect, it, vi } from 'vitest';
import type { Message } from './protocol.js';
import { Router } from './router.js';
import { MaelstromClient } from './client.js';

function setup(seed = 1) {
  const r = new Router(seed);
  const got: { n1: Message[]; n2: Message[]; n3: Message[]; c1: Message[] } = { n1: [], n2: [], n3: [], c1: [] };
  r.register('n1', 'node', (m) => got.n1.push(m));
  r.register('n2', 'node', (m) => got.n2.push(m));
  r.register('n3', 'node', (m) => got.n3.push(m));
  r.register('c1', 'client', (m) => got.c1.push(m));
  const send = (src: string, dest: string, type = 'x') => r.send({ src, dest, body: { type } });
  return { r, got, send };
}

describe('Router', () => {
  it('delivers between nodes and clients and counts messages', () => {
    const { r, got, send } = setup();
    send('n1', 'n2');
    send('c1', 'n3');
    send('n3', 'c1');
    expect(got.n2).toHaveLength(1);
    expect(got.n3).toHaveLength(1);
    expect(got.c1).toHaveLength(1);
    expect(r.stats.delivered).toBe(3);
  });

  it('leaves services outside partitions, unless placed beside a node: then they share its links', () => {
    const { r, got, send } = setup();
    const svc: Message[] = [];
    r.register('lin-kv', 'service', (m) => svc.push(m));
    r.partition({ n1: ['n2'], n2: ['n1'] });
    send('n2', 'lin-kv');
    expect(svc).toHaveLength(1);
    r.placeServices({ 'lin-kv': 'n1' });
    send('n2', 'lin-kv'); // n1 drops n2's messages, so lin-kv beside n1 does too
    send('n3', 'lin-kv');
    send('n1', 'lin-kv');
    expect(svc.map((m) => m.src)).toEqual(['n2', 'n3', 'n1']);
    send('lin-kv', 'n2');
    send('lin-kv', 'n3');
    expect(got.n2).toHaveLength(0);
    expect(got.n3).toHaveLength(1);
    // One direction at a time, as between nodes.
    r.partition({ n1: ['n2'] });
    send('lin-kv', 'n2');
    send('n2', 'lin-kv');
    expect(got.n2).toHaveLength(1);
    expect(svc).toHaveLength(3);
    r.heal();
    send('n2', 'lin-kv');
    expect(svc).toHaveLength(4);
  });

  it('drops messages along grudges only, one direction at a time, until healed', () => {
    const { r, got, send } = setup();
    r.partition({ n1: ['n2'] }); // n1 drops what n2 sends; n2 still hears n1
    send('n2', 'n1');
    send('n1', 'n2');
    send('n3', 'n1');
    expect(got.n1.map((m) => m.src)).toEqual(['n3']);
    expect(got.n2).toHaveLength(1);
    expect(r.stats.partitioned).toBe(1);
    expect(r.currentGrudge()).toEqual({ n1: ['n2'] });
    r.heal();
    send('n2', 'n1');
    expect(got.n1.map((m) => m.src)).toEqual(['n3', 'n2']);
  });

  it('never partitions client links', () => {
    const { got, r, send } = setup();
    r.partition({ n1: ['c1', 'n2', 'n3'], c1: ['n1'] });
    send('c1', 'n1');
    send('n1', 'c1');
    expect(got.n1).toHaveLength(1);
    expect(got.c1).toHaveLength(1);
  });

  it('loses about p of node messages, only on the chosen nodes', () => {
    const { r, got, send } = setup(7);
    r.loss(0.3);
    for (let i = 0; i < 2000; i++) send('n1', 'n2');
    expect(got.n2.length).toBeGreaterThan(1200);
    expect(got.n2.length).toBeLessThan(1600);
    r.loss(1, ['n3']);
    send('n1', 'n2');
    send('n1', 'n3');
    expect(got.n3).toHaveLength(0);
    expect(got.n2.length).toBeGreaterThan(1200);
    r.fast();
    send('n1', 'n3');
    expect(got.n3).toHaveLength(1);
  });

  it('delays node messages by ms ± jitter', async () => {
    const { r, got, send } = setup();
    r.delay(60, 20);
    const t0 = Date.now();
    send('n1', 'n2');
    send('c1', 'n2'); // client link: not delayed
    expect(got.n2).toHaveLength(1);
    await new Promise((res) => setTimeout(res, 120));
    expect(got.n2).toHaveLength(2);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(40);
    r.close();
  });

  it('counts messages to unknown or dead endpoints as unroutable, and says so to the sender', () => {
    const { r, send } = setup();
    r.unregister('n3');
    expect(send('n1', 'n3')).toBe('unroutable');
    expect(r.stats.unroutable).toBe(1);
    expect(send('n1', 'n2')).toBe('delivered');
    r.partition({ n2: ['n1'] });
    expect(send('n1', 'n2')).toBe('partitioned');
  });

  it('a request no node process took fails definitely at the timeout; one taken late is answered', async () => {
    const { r } = setup();
    r.unregister('n3');
    const c = new MaelstromClient(r);
    await expect(c.request('n3', { type: 'read', key: 1 }, 200)).rejects.toMatchObject({ name: 'RpcDefinite', code: 11, text: 'connection refused: n3 is not running' });
    // The node comes back while the client still offers the request: it is delivered and answered.
    const answered = c.request('n3', { type: 'read', key: 2 }, 3000);
    await new Promise((ok) => setTimeout(ok, 150));
    r.register('n3', 'node', (m) => r.send({ src: 'n3', dest: m.src, body: { type: 'read_ok', value: 7, in_reply_to: m.body.msg_id } }));
    await expect(answered).resolves.toMatchObject({ type: 'read_ok', value: 7 });
    // A node that is up but silent (paused, or the reply lost) still times out: maybe done.
    await expect(c.request('n1', { type: 'read', key: 1 }, 50)).rejects.toMatchObject({ name: 'RpcIndefinite', code: 'timeout' });
    c.close();
  });
});

describe('Router latency (Maelstrom --latency)', () => {
  it('delays node-to-node messages by the distribution, leaves client messages alone', () => {
    vi.useFakeTimers();
    try {
      for (const dist of ['constant', 'uniform', 'exponential'] as const) {
        const r = new Router(5);
        r.setLatency({ meanMs: 40, dist });
        const got: { body: string; at: number }[] = [];
        const t0 = Date.now();
        r.register('n1', 'node', () => {});
        r.register('n2', 'node', (m) => got.push({ body: m.body.type, at: Date.now() - t0 }));
        r.register('c1', 'client', () => {});
        r.send({ src: 'c1', dest: 'n2', body: { type: 'from-client' } });
        expect(got.map((g) => g.body)).toEqual(['from-client']);
        for (let i = 0; i < 200; i++) r.send({ src: 'n1', dest: 'n2', body: { type: 'gossip' } });
        vi.advanceTimersByTime(2000);
        const delays = got.filter((g) => g.body === 'gossip').map((g) => g.at);
        expect(delays.length).toBe(200);
        const mean = delays.reduce((a, b) => a + b, 0) / delays.length;
        if (dist === 'constant') expect(new Set(delays)).toEqual(new Set([40]));
        else expect(Math.min(...delays)).toBeLessThan(20);
        if (dist === 'uniform') expect(Math.max(...delays)).toBeLessThanOrEqual(80);
        if (dist === 'exponential') expect(Math.max(...delays)).toBeGreaterThan(80);
        expect(mean).toBeGreaterThan(30);
        expect(mean).toBeLessThan(50);
        r.close();
      }
    } finally {
      vi.useRealTimers();
    }
  });
});

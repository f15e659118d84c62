// ZkSession.freeze/thaw against a fake ZooKeeper server that speaks just the session handshake:
// a frozen session must stay silent (no pings, no reconnect) even when the server closes its idle
// connection, as ZooKeeper does, and learn at the thaw that its session expired meanwhile. After
// thaws, pings come at the library's pace again (once per interval, not once per thaw).

import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type Server, type Socket } from 'node:net';
import { ZkSession } from './session.js';

interface FakeZk {
  port: number;
  /** Connections accepted so far, and the session id each asked to resume (0: a new session). */
  connects: bigint[];
  /** Pings received, with the time each arrived. */
  pings: number[];
  server: Server;
}

const SESSION = 0x1234n;

/** Answers a new session's handshake; a resumed session is told it expired (timeout 0). */
function fakeZk(o: { closeAfterMs?: number; garbleReplies?: boolean }): Promise<FakeZk> {
  const fake: FakeZk = { port: 0, connects: [], pings: [], server: createServer() };
  fake.server.on('connection', (c: Socket) => {
    let buf = Buffer.alloc(0);
    let handshaken = false;
    c.on('error', () => {});
    c.on('data', (b: Buffer) => {
      buf = Buffer.concat([buf, b]);
      while (buf.length >= 4 && buf.length >= 4 + buf.readInt32BE(0)) {
        const frame = buf.subarray(4, 4 + buf.readInt32BE(0));
        buf = buf.subarray(4 + frame.length);
        if (!handshaken) {
          handshaken = true;
          // ConnectRequest: protocolVersion int, lastZxidSeen long, timeOut int, sessionId long, passwd.
          const asked = frame.readBigInt64BE(16);
          fake.connects.push(asked);
          const reply = Buffer.alloc(4 + 4 + 4 + 8 + 4 + 16);
          reply.writeInt32BE(reply.length - 4, 0);
          reply.writeInt32BE(asked === 0n ? frame.readInt32BE(12) : 0, 8);
          reply.writeBigInt64BE(asked === 0n ? SESSION : asked, 12);
          reply.writeInt32BE(16, 20);
          c.write(reply);
          if (asked === 0n && o.closeAfterMs !== undefined) setTimeout(() => c.end(), o.closeAfterMs);
        } else if (frame.readInt32BE(0) === -2) fake.pings.push(Date.now());
        else if (o.garbleReplies) {
          // A reply header (xid, zxid, err) whose error code is none ZooKeeper has.
          const reply = Buffer.alloc(4 + 16);
          reply.writeInt32BE(16, 0);
          reply.writeInt32BE(frame.readInt32BE(0), 4);
          reply.writeInt32BE(-1174208512, 16);
          c.write(reply);
        }
      }
    });
  });
  return new Promise((resolve) => fake.server.listen(0, '127.0.0.1', () => resolve({ ...fake, port: (fake.server.address() as { port: number }).port })));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let cleanup: Array<() => void> = [];
afterEach(() => {
  for (const f of cleanup) f();
  cleanup = [];
});

describe('a frozen ZooKeeper session', () => {
  it('does not reconnect while frozen when the server closes its connection, and learns at the thaw that the session expired', async () => {
    const fake = await fakeZk({ closeAfterMs: 200 });
    const s = await ZkSession.open(`127.0.0.1:${fake.port}`, { sessionTimeoutMs: 900, timeoutMs: 1000 });
    cleanup.push(() => (s.close(), fake.server.close()));
    s.freeze();
    const frozenAt = Date.now();
    await sleep(1200); // past the server's close and several ping intervals (300 ms)
    expect(fake.connects).toEqual([0n]);
    expect(fake.pings.filter((t) => t >= frozenAt)).toEqual([]);
    expect(s.expired).toBe(false);
    s.thaw();
    for (let i = 0; i < 50 && !s.expired; i++) await sleep(50);
    expect(fake.connects).toEqual([0n, SESSION]);
    expect(s.expired).toBe(true);
  });

  it('pings once per interval again after thaws', async () => {
    const fake = await fakeZk({});
    const s = await ZkSession.open(`127.0.0.1:${fake.port}`, { sessionTimeoutMs: 900, timeoutMs: 1000 });
    cleanup.push(() => (s.close(), fake.server.close()));
    for (let i = 0; i < 3; i++) {
      s.freeze();
      await sleep(50);
      s.thaw();
    }
    const from = Date.now();
    await sleep(1500); // 5 intervals of 300 ms
    const pings = fake.pings.filter((t) => t >= from).length;
    expect(pings).toBeGreaterThanOrEqual(3);
    expect(pings).toBeLessThanOrEqual(6);
  });

  it('a reply the library cannot decode fails the call (a lost connection), it does not crash the process', async () => {
    const fake = await fakeZk({ garbleReplies: true });
    const s = await ZkSession.open(`127.0.0.1:${fake.port}`, { sessionTimeoutMs: 900, timeoutMs: 1000 });
    cleanup.push(() => (s.close(), fake.server.close()));
    await expect(s.getData('/x')).rejects.toThrow(/getData/);
  });
});

// The Kafka adapter without a Kafka broker (none can be installed here; the README says the
// adapter is untested against one): its options are validated before anything starts, faults are
// refused up front, and kafkajs's network errors map to the right op outcome against loopback
// sockets we own: a refused connection fails definitely, a silent peer leaves the send unknown.

import { afterAll, describe, expect, it } from 'vitest';
import { createServer, type Server, type Socket } from 'node:net';
import '../../app/builtins.js';
import { createDb, planRun } from '../../src/plugin/plan.js';
import { FaultlineError } from '../../src/errors.js';
import type { Test } from '../../src/protocols.js';
import { KafkaLogClient, type KafkaConfig } from './client.js';

const errorOf = (f: () => unknown): FaultlineError => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(FaultlineError);
    return e as FaultlineError;
  }
  throw new Error('expected a FaultlineError');
};

describe('--db kafka options', () => {
  it('requires brokers, naming the option', () => {
    const e = errorOf(() => createDb('kafka', { dbOptions: {} }));
    expect(e.code).toBe('BAD_ARGUMENT');
    expect(e.where).toBe('--db-option brokers');
  });

  it('names brokers as nodes, port 9092 by default', () => {
    const c = createDb('kafka', { dbOptions: { brokers: 'a.example:9093,b.example' } });
    expect(c.nodes).toEqual(['n1', 'n2']);
    expect(c.db.backend).toBe('external');
  });

  it('refuses a malformed broker address, naming it', () => {
    const e = errorOf(() => createDb('kafka', { dbOptions: { brokers: 'a:9092,http://b:9092' } }));
    expect(e.where).toMatch(/--db-option brokers \(n2\)/);
  });

  it('refuses out-of-range and unknown options', () => {
    expect(errorOf(() => createDb('kafka', { dbOptions: { brokers: 'a:9092', partitions: '0' } })).message).toMatch(/partitions/);
    expect(errorOf(() => createDb('kafka', { dbOptions: { brokers: 'a:9092', 'timeout-ms': '9000' } })).message).toMatch(/timeout-ms/);
    expect(errorOf(() => createDb('kafka', { dbOptions: { brokers: 'a:9092', acks: '1' } })).message).toMatch(/acks/);
  });

  it('refuses faults before anything starts, and workloads it has no client for', () => {
    const base = { db: 'kafka', dbOptions: { brokers: 'a:9092' } };
    for (const f of ['kill', 'partition', 'pause', 'clock']) expect(() => planRun({ ...base, workload: 'kafka', nemesis: [f] }), f).toThrow(FaultlineError);
    expect(planRun({ ...base, workload: 'kafka', nemesis: ['none'] }).nemesis).toBeNull();
    expect(planRun({ ...base, workload: 'queue', nemesis: [] }).nemesis).toBeNull();
    expect(errorOf(() => planRun({ ...base, workload: 'register', nemesis: [] })).code).toBe('UNSUPPORTED');
  });
});

describe('kafka client error mapping (loopback, no broker)', () => {
  const servers: Server[] = [];
  const sockets: Socket[] = [];
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  });
  const listen = async (onConn: (s: Socket) => void): Promise<number> => {
    const s = createServer((sock) => (sockets.push(sock), onConn(sock)));
    servers.push(s);
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    return (s.address() as { port: number }).port;
  };
  const cfg = (port: number): KafkaConfig => ({ brokers: [`127.0.0.1:${port}`], prefix: 'faultline-t', partitions: 4, replicationFactor: 1, timeoutMs: 800, pollMax: 10 });
  const test = { log: { info: () => {}, warn: () => {}, debug: () => {}, error: () => {} } } as unknown as Test;
  const send = { index: 0, time: 0, type: 'invoke' as const, process: 0, f: 'send', value: { key: '1', msg: 7 } };

  it('a refused connection fails the send definitely', async () => {
    // A port that was just free: nothing listens there.
    const port = await listen(() => {});
    await new Promise((r) => servers.pop()!.close(r));
    const c = await new KafkaLogClient(cfg(port)).open(test, 'n1');
    const r = await c.invoke(test, send);
    expect(r.type).toBe('fail');
    expect(r.error).toMatch(/ECONNREFUSED|Connection error/i);
    await c.close?.(test);
  }, 20_000);

  it('a peer that accepts and never answers leaves the send unknown (info), within the timeout', async () => {
    const port = await listen(() => {});
    const c = await new KafkaLogClient(cfg(port)).open(test, 'n1');
    const t = Date.now();
    const r = await c.invoke(test, send);
    expect(r.type).toBe('info');
    expect(Date.now() - t).toBeLessThan(10_000);
    await c.close?.(test);
  }, 20_000);

  it('a key outside the topic fails before any request', async () => {
    const c = await new KafkaLogClient(cfg(1)).open(test, 'n1');
    const r = await c.invoke(test, { ...send, value: { key: '9', msg: 1 } });
    expect(r).toMatchObject({ type: 'fail' });
    expect(r.error).toMatch(/key 9 has no partition/);
  });
});

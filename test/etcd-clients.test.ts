// etcd clients against a real 3-node cluster: register (read/write/cas, definite cas failure,
// serializable reads), set, lock (try-lock semantics), list-append transactions (reads filled
// in, conflicting transactions definitely fail), and refused db options and clock faults.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../src/plugin/plan.js';
import type { ContainerDb } from '../src/docker/container-db.js';
import '../app/builtins.js';
import { buildNemesis } from '../nemesis/index.js';
import type { Client, Test } from '../src/protocols.js';
import { fakeTest, prepareDocker, testRunId } from './docker-helpers.js';

const nodes = ['n1', 'n2', 'n3'];
const etcd = createDb<ContainerDb<{ reads: string }>>('etcd', { dbOptions: { 'timeout-ms': '3000', 'lock-ttl': '2' } });
const db = etcd.db;
let test: Test;
const inv = (f: string, value: unknown) => ({ index: 0, time: 0, type: 'invoke' as const, process: 0, f, value });
const open = (w: string, node: string): Promise<Client> => etcd.client(w, test).open(test, node);

beforeAll(async () => {
  await prepareDocker();
  test = fakeTest(db, nodes, testRunId('clients'));
  await db.setup(test);
});
afterAll(async () => {
  await db.teardown(test);
});

describe('etcd register client', () => {
  it('reads, writes and compares-and-sets independent keys', async () => {
    const a = await open('register', 'n1');
    const b = await open('register', 'n2');
    expect(await a.invoke(test, inv('read', [1, null]))).toEqual({ type: 'ok', value: [1, null] });
    expect(await a.invoke(test, inv('write', [1, 3]))).toEqual({ type: 'ok', value: [1, 3] });
    expect(await b.invoke(test, inv('read', [1, null]))).toEqual({ type: 'ok', value: [1, 3] });
    expect(await b.invoke(test, inv('cas', [1, [3, 4]]))).toEqual({ type: 'ok', value: [1, [3, 4]] });
    expect((await a.invoke(test, inv('cas', [1, [3, 5]]))).type).toBe('fail');
    expect(await a.invoke(test, inv('read', [2, null]))).toEqual({ type: 'ok', value: [2, null] });
    expect(await a.invoke(test, inv('read', [1, null]))).toEqual({ type: 'ok', value: [1, 4] });
    await a.close?.(test);
    await b.close?.(test);
  });

  it('serializable reads are served by the node it is bound to', async () => {
    const ser = createDb<ContainerDb<{ reads: string }>>('etcd', { dbOptions: { reads: 'serializable' } }).db;
    expect(ser.options.reads).toBe('serializable');
    // Reuse the running cluster through this db's endpoints.
    const cfgDb = db as unknown as { options: { reads: string } };
    const before = cfgDb.options.reads;
    cfgDb.options.reads = 'serializable';
    try {
      const c = await open('register', 'n3');
      const w = await open('register', 'n1');
      await w.invoke(test, inv('write', [7, 70]));
      // Eventually visible on n3 without a quorum round.
      let r = await c.invoke(test, inv('read', [7, null]));
      for (let i = 0; i < 50 && (r.value as unknown[])[1] !== 70; i++) r = await c.invoke(test, inv('read', [7, null]));
      expect(r).toEqual({ type: 'ok', value: [7, 70] });
      await c.close?.(test);
      await w.close?.(test);
    } finally {
      cfgDb.options.reads = before;
    }
  });

  it('reports a write to a dead node as a definite failure only when nothing was sent', async () => {
    await db.kill(test, 'n3');
    try {
      const c = await open('register', 'n3');
      const r = await c.invoke(test, inv('write', [9, 1]));
      expect(['fail', 'info']).toContain(r.type);
      expect(String(r.error)).toMatch(/UNAVAILABLE|DEADLINE|ECONNREFUSED|No connection|LB pick/i);
      const rr = await c.invoke(test, inv('read', [9, null]));
      expect(rr.type).toBe('fail'); // reads change nothing: always definite
      await c.close?.(test);
    } finally {
      await db.start(test, 'n3');
    }
  });
});

describe('etcd set client', () => {
  it('adds elements and reads them back sorted', async () => {
    const c = await open('set', 'n2');
    for (const e of [5, 1, 3]) expect(await c.invoke(test, inv('add', e))).toEqual({ type: 'ok', value: e });
    expect(await c.invoke(test, inv('read', null))).toEqual({ type: 'ok', value: [1, 3, 5] });
    await c.close?.(test);
  });
});

describe('etcd lock client', () => {
  it('is a try-lock: a held lock makes acquire fail definitely; release frees it', async () => {
    const a = await open('lock', 'n1');
    const b = await open('lock', 'n2');
    expect((await a.invoke(test, inv('acquire', null))).type).toBe('ok');
    expect(await b.invoke(test, inv('acquire', null))).toMatchObject({ type: 'fail', error: 'lock-held' });
    expect(await b.invoke(test, inv('release', null))).toMatchObject({ type: 'fail', error: 'not-held' });
    expect((await a.invoke(test, inv('release', null))).type).toBe('ok');
    expect((await b.invoke(test, inv('acquire', null))).type).toBe('ok');
    expect((await b.invoke(test, inv('release', null))).type).toBe('ok');
    await a.close?.(test);
    await b.close?.(test);
  });
});

describe('etcd list-append client', () => {
  it('runs multi-key transactions and fills in reads, including its own appends', async () => {
    const c = await open('list-append', 'n1');
    const r1 = await c.invoke(test, inv('txn', [['append', 1, 10], ['append', 2, 20], ['r', 1, null]]));
    expect(r1).toEqual({ type: 'ok', value: [['append', 1, 10], ['append', 2, 20], ['r', 1, [10]]] });
    const r2 = await c.invoke(test, inv('txn', [['r', 1, null], ['append', 1, 11], ['r', 1, null], ['r', 2, null], ['r', 3, null]]));
    expect(r2).toEqual({ type: 'ok', value: [['r', 1, [10]], ['append', 1, 11], ['r', 1, [10, 11]], ['r', 2, [20]], ['r', 3, []]] });
    await c.close?.(test);
  });

  it('concurrent conflicting transactions: at most one commits per key version, the rest fail definitely', async () => {
    const cs = await Promise.all(nodes.map((n) => open('list-append', n)));
    const rs = await Promise.all(cs.map((c, i) => c.invoke(test, inv('txn', [['r', 5, null], ['append', 5, i]]))));
    const oks = rs.filter((r) => r.type === 'ok');
    expect(oks.length).toBeGreaterThanOrEqual(1);
    expect(rs.every((r) => r.type === 'ok' || r.type === 'fail')).toBe(true);
    const final = await cs[0]!.invoke(test, inv('txn', [['r', 5, null]]));
    const list = ((final.value as unknown[][])[0]![2]) as number[];
    expect(list).toHaveLength(oks.length);
    for (const c of cs) await c.close?.(test);
  });
});

describe('etcd options and unsupported faults', () => {
  it('refuses unknown or malformed db options, naming them', () => {
    expect(() => createDb('etcd', { dbOptions: { reads: 'stale' } })).toThrow("--db-option reads: expected one of linearizable, serializable, got 'stale'");
    expect(() => createDb('etcd', { dbOptions: { colour: 'red' } })).toThrow("--db-option colour: db etcd has no option 'colour' (its options: reads, timeout-ms, lock-ttl, heartbeat-ms, election-ms, endpoints)");
    expect(createDb<ContainerDb<{ reads: string }>>('etcd').db.options.reads).toBe('linearizable');
  });

  it('offers clock faults on etcd in containers (clockshift, not libfaketime: a Go server reads the vDSO)', () => {
    // That etcd's own clock really moves is shown by test/etcd-clock.test.ts.
    expect(buildNemesis(['clock'], { db, intervalS: 5, options: {} })).not.toBeNull();
  });

  it('offers a packet nemesis on the docker net (loss and rate)', async () => {
    const pkg = buildNemesis(['packet'], { db, intervalS: 5, options: {} })!;
    test.net = db.net;
    await pkg.nemesis.setup?.(test);
    const r = await pkg.nemesis.invoke(test, inv('start-packet', 'loss'));
    expect(r.value).toMatchObject({ mode: 'loss', loss: 0.2 });
    await pkg.nemesis.invoke(test, inv('stop-packet', null));
    await pkg.nemesis.teardown?.(test);
  });
});

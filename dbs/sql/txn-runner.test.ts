import { describe, expect, it } from 'vitest';
import type { SqlConn, SqlDialect, SqlErrorInfo, SqlTarget } from './conn.js';
import { Abort, ConnSlot, runTxn } from './txn-runner.js';

/** A connection that answers by script: statements matching `fail` reject with the given error; `hang` never answers. */
function fakeTarget(script: { fail?: RegExp; error?: unknown; hang?: RegExp; timeoutMs?: number }) {
  const log: string[] = [];
  let destroyed = 0;
  const conn: SqlConn = {
    query: (sql) => {
      log.push(sql);
      if (script.hang?.test(sql)) return new Promise(() => {});
      if (script.fail?.test(sql)) return Promise.reject(script.error);
      return Promise.resolve({ rows: [{ val: '1,2' }], rowCount: 1 });
    },
    destroy: () => void destroyed++,
    end: async () => {},
  };
  const classify = (e: unknown): SqlErrorInfo => {
    const x = e as { server?: boolean; code?: string; kind?: string };
    return { kind: x.kind ?? (x.server ? 'serialization-failure' : 'connection-lost'), serverAnswered: !!x.server, ...(x.code ? { code: x.code } : {}), message: 'boom' };
  };
  const dialect = { name: 'fake', begin: () => ['BEGIN'], classify } as unknown as SqlDialect;
  const target: SqlTarget = {
    dialect,
    connect: async () => conn,
    writer: (n) => n,
    setupNode: () => 'n1',
    table: (n) => n,
    timeoutMs: script.timeoutMs ?? 1000,
    isolation: 'serializable',
  };
  return { target, slot: new ConnSlot(target, 'n1'), log, destroyed: () => destroyed };
}

const body = async (exec: (s: string) => Promise<unknown>) => {
  await exec('UPDATE t');
  return 'v';
};

describe('runTxn: definite and indefinite outcomes', () => {
  it('commits and returns the body value', async () => {
    const f = fakeTarget({});
    expect(await runTxn(f.target, f.slot, false, body)).toEqual({ value: 'v' });
    expect(f.log).toEqual(['BEGIN', 'UPDATE t', 'COMMIT']);
  });

  it('a server error before COMMIT is a definite failure and rolls back', async () => {
    const f = fakeTarget({ fail: /UPDATE/, error: { server: true, code: '40001' } });
    const r = await runTxn(f.target, f.slot, false, body);
    expect(r.completion?.type).toBe('fail');
    expect(r.completion?.error).toMatch(/serialization-failure \(40001\)/);
    expect(f.log).toContain('ROLLBACK');
  });

  it('a lost connection before COMMIT was sent is definite (the server rolls back)', async () => {
    const f = fakeTarget({ fail: /UPDATE/, error: { server: false } });
    expect((await runTxn(f.target, f.slot, false, body)).completion?.type).toBe('fail');
    expect(f.destroyed()).toBe(1);
  });

  it('a lost connection during COMMIT is indeterminate', async () => {
    const f = fakeTarget({ fail: /COMMIT/, error: { server: false } });
    const r = await runTxn(f.target, f.slot, false, body);
    expect(r.completion).toEqual({ type: 'info', error: 'connection-lost: boom' });
  });

  it('an error the server answered to COMMIT is definite', async () => {
    const f = fakeTarget({ fail: /COMMIT/, error: { server: true, code: '40001' } });
    expect((await runTxn(f.target, f.slot, false, body)).completion?.type).toBe('fail');
  });

  it('a read-only transaction fails definitely whatever happened to COMMIT', async () => {
    const f = fakeTarget({ fail: /COMMIT/, error: { server: false } });
    expect((await runTxn(f.target, f.slot, true, body)).completion?.type).toBe('fail');
  });

  it('a deadline before COMMIT drops the connection and fails definitely; during COMMIT it is info', async () => {
    const before = fakeTarget({ hang: /UPDATE/, timeoutMs: 50 });
    const r1 = await runTxn(before.target, before.slot, false, body);
    expect(r1.completion?.type).toBe('fail');
    expect(r1.completion?.error).toMatch(/timeout/);
    expect(before.destroyed()).toBe(1);
    const during = fakeTarget({ hang: /COMMIT/, timeoutMs: 50 });
    expect((await runTxn(during.target, during.slot, false, body)).completion?.type).toBe('info');
  });

  it('an Abort from the body is a definite failure with its reason', async () => {
    const f = fakeTarget({});
    const r = await runTxn(f.target, f.slot, false, async () => {
      throw new Abort('insufficient-funds');
    });
    expect(r.completion).toEqual({ type: 'fail', error: 'insufficient-funds' });
    expect(f.log).toEqual(['BEGIN', 'ROLLBACK']);
  });

  it('a failed connect is a definite failure', async () => {
    const f = fakeTarget({});
    const target = { ...f.target, connect: () => Promise.reject({ server: false }) };
    expect((await runTxn(target, new ConnSlot(target, 'n1'), false, body)).completion?.type).toBe('fail');
  });

  it('a table the setup created has vanished: a definite failure, and the DDL runs again so later reads see it empty', async () => {
    const f = fakeTarget({ fail: /UPDATE/, error: { server: true, code: '42P01', kind: 'table-missing' } });
    const slot = new ConnSlot(f.target, 'n1', ['CREATE TABLE IF NOT EXISTS t (id int)']);
    const r = await runTxn(f.target, slot, false, body);
    expect(r.completion?.type).toBe('fail');
    expect(r.completion?.error).toMatch(/table-missing \(42P01\).*gone \(data lost\): re-created it empty/);
    expect(f.log).toEqual(['BEGIN', 'UPDATE t', 'ROLLBACK', 'CREATE TABLE IF NOT EXISTS t (id int)']);
    // Without DDL (or for any other error) nothing is created.
    const g = fakeTarget({ fail: /UPDATE/, error: { server: true, code: '42P01', kind: 'table-missing' } });
    expect((await runTxn(g.target, g.slot, false, body)).completion?.error).not.toMatch(/re-created/);
    expect(g.log).not.toContain('CREATE TABLE IF NOT EXISTS t (id int)');
  });
});

// Existing SQL servers by URL (`--db-option url=...`): faultline drives the workload against a
// PostgreSQL and a MariaDB server it did not start (here: started by the test), keeps its
// tables in a per-run schema or under a per-run prefix and drops them at the end, refuses every
// fault on those servers before running anything, and names a server that does not answer.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeTest, prepareDocker, testRunId } from './docker-helpers.js';
import { runCli } from './sql-helpers.js';
import { faultline } from './cli-helpers.js';
import { createDb } from '../src/plugin/plan.js';
import type { ContainerDb } from '../src/docker/container-db.js';
import '../app/builtins.js';
import { connectPg } from '../dbs/postgres/pg-driver.js';
import { connectMysql } from '../dbs/mariadb/mysql-driver.js';
import type { Test } from '../src/protocols.js';

const pg = createDb<ContainerDb<unknown>>('postgres').db;
const maria = createDb<ContainerDb<unknown>>('mariadb').db;
let pgTest: Test;
let mariaTest: Test;
let pgUrl = '';
let mysqlUrl = '';

beforeAll(async () => {
  await prepareDocker();
  pgTest = fakeTest(pg, ['n1'], testRunId('ext-pg'));
  mariaTest = fakeTest(maria, ['n1'], testRunId('ext-maria'));
  await Promise.all([pg.setup(pgTest), maria.setup(mariaTest)]);
  pgUrl = `postgres://postgres@${pg.endpoint('n1').host}:5432/postgres`;
  mysqlUrl = `mysql://faultline@${maria.endpoint('n1').host}:3306/faultline`;
}, 400_000);

afterAll(async () => {
  await Promise.all([pg.teardown(pgTest), maria.teardown(mariaTest)]);
}, 120_000);

describe('existing servers by URL', () => {
  it('postgres: a run in its own schema, dropped afterwards', async () => {
    const r = await runCli(['--db', 'postgres', '--db-option', `url=${pgUrl}`, '--db-option', 'isolation=serializable', '--workload', 'list-append', '--nemesis', 'none', '--time-limit', '8', '--seed', '2']);
    expect(r.code, r.out).toBe(0);
    expect(r.results.results['list-append']).toMatchObject({ valid: true, consistencyModel: 'serializable' });
    const c = await connectPg({ host: pg.endpoint('n1').host, port: 5432, user: 'postgres', database: 'postgres' });
    try {
      const schemas = await c.query("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'fl\\_%'");
      expect(schemas.rows).toEqual([]);
    } finally {
      await c.end();
    }
  }, 300_000);

  it('mariadb: a run with prefixed tables, dropped afterwards', async () => {
    const r = await runCli(['--db', 'mariadb', '--db-option', `url=${mysqlUrl}`, '--db-option', 'isolation=serializable', '--workload', 'bank', '--nemesis', 'none', '--time-limit', '8', '--seed', '2']);
    expect(r.code, r.out).toBe(0);
    expect(r.results.results.bank).toMatchObject({ valid: true, total: 80 });
    const c = await connectMysql({ host: maria.endpoint('n1').host, port: 3306, user: 'faultline', database: 'faultline' });
    try {
      expect((await c.query("SELECT table_name FROM information_schema.tables WHERE table_schema = 'faultline' AND table_name LIKE 'fl\\_%'")).rows).toEqual([]);
    } finally {
      await c.end();
    }
  }, 300_000);

  it('refuses faults on servers it did not start, before running anything', async () => {
    for (const [db, url] of [['postgres', pgUrl], ['mariadb', mysqlUrl]] as const) {
      const kill = await faultline(['run', '--db', db, '--db-option', `url=${url}`, '--workload', 'list-append', '--nemesis', 'kill', '--time-limit', '2']);
      expect(kill.exitCode).toBe(254);
      expect(kill.stderr).toMatch(new RegExp(`--nemesis kill: db ${db} \\(existing cluster\\) cannot kill and restart nodes`));
      const part = await faultline(['run', '--db', db, '--db-option', `url=${url}`, '--workload', 'list-append', '--nemesis', 'partition', '--time-limit', '2']);
      expect(part.exitCode).toBe(254);
      expect(part.stderr).toMatch(new RegExp(`--nemesis partition: db ${db} \\(existing cluster\\) cannot cut the network between nodes`));
    }
  }, 120_000);

  it('names a server that does not answer, and where', async () => {
    // A closed port on loopback: refused at once, no traffic leaves the machine.
    const r = await faultline(['run', '--db', 'postgres', '--db-option', 'url=postgres://u@127.0.0.1:59998/x', '--workload', 'bank', '--nemesis', 'none', '--time-limit', '2']);
    expect(r.exitCode).toBe(254);
    expect(r.stderr).toMatch(/node n1: postgres at postgres:\/\/127\.0\.0\.1:59998 does not answer .*ECONNREFUSED/);
    const m = await faultline(['run', '--db', 'mariadb', '--db-option', 'url=mysql://u@127.0.0.1:59998/x', '--workload', 'bank', '--nemesis', 'none', '--time-limit', '2']);
    expect(m.exitCode).toBe(254);
    expect(m.stderr).toMatch(/node n1: mariadb at mysql:\/\/127\.0\.0\.1:59998 does not answer .*ECONNREFUSED/);
  }, 120_000);
});

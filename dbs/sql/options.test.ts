// The SQL dbs' declared options and the checks between them, as a run plans them: every refusal
// names the option (or --nodes) before anything starts; the isolation level implies the model.

import { describe, expect, it } from 'vitest';
import '../index.js';
import '../../workloads/index.js';
import '../../nemesis/index.js';
import { createDb, planRun } from '../../src/plugin/plan.js';
import { capabilitiesOf } from '../../src/plugin/capabilities.js';
import { runIdent } from './options.js';

const nodesOf = (db: string, dbOptions: Record<string, unknown> = {}, nodes?: number) => createDb(db, { dbOptions, ...(nodes ? { nodes } : {}) }).nodes;

describe('postgres options', () => {
  it('defaults to read committed on one node; --nodes N or replicas=N-1 mean a primary and replicas', () => {
    expect(createDb('postgres').options).toMatchObject({ isolation: 'read-committed', synchronous: 'off', 'timeout-ms': 3000 });
    expect(nodesOf('postgres')).toEqual(['n1']);
    expect(nodesOf('postgres', {}, 3)).toEqual(['n1', 'n2', 'n3']);
    expect(nodesOf('postgres', { replicas: '2' })).toEqual(['n1', 'n2', 'n3']);
    expect(() => nodesOf('postgres', { replicas: '2' }, 2)).toThrow(/--nodes 2 but the db options name 3 nodes/);
  });
  it('refuses bad values and misfits, naming the option', () => {
    expect(() => createDb('postgres', { dbOptions: { isolation: 'snapshot' } })).toThrow(/--db-option isolation: expected one of serializable, repeatable-read, read-committed, got 'snapshot'/);
    expect(() => createDb('postgres', { dbOptions: { replica: '1' } })).toThrow(/--db-option replica: db postgres has no option 'replica'/);
    expect(() => createDb('postgres', { dbOptions: { synchronous: 'maybe' } })).toThrow(/--db-option synchronous: expected one of on, off/);
    expect(() => createDb('postgres', { dbOptions: { synchronous: 'on', replicas: '0' } })).toThrow(/--db-option synchronous: synchronous replication needs replicas/);
    expect(() => createDb('postgres', { dbOptions: { url: 'http://x' } })).toThrow(/--db-option url \(n1\): 'http:\/\/x': expected a postgres or postgresql URL/);
    expect(() => createDb('postgres', { dbOptions: { url: 'postgres://a/x,postgres://b/x' } })).toThrow(/--db-option url: one server per run \(got 2\); two-phase commit across servers is --db postgres-2pc/);
    expect(() => createDb('postgres', { dbOptions: { url: 'postgres://a/x', replicas: '1' } })).toThrow(/--db-option replicas: replication is set up only on servers faultline starts/);
    expect(() => createDb('postgres', { dbOptions: { url: 'postgres://a/x', fsync: 'off' } })).toThrow(/--db-option fsync: server settings are made only on servers faultline starts/);
    expect(() => createDb('postgres', { dbOptions: { fsync: 'sometimes' } })).toThrow(/--db-option fsync: expected one of on, off/);
  });
  it('an existing server by URL: its login and database kept, every fault refused', () => {
    const { db, nodes } = createDb('postgres', { dbOptions: { url: 'pg=postgres://u:p%40ss@db.example:6432/app' } });
    expect(nodes).toEqual(['pg']);
    expect((db as unknown as { endpoint(n: string): unknown }).endpoint('pg')).toMatchObject({ host: 'db.example', port: 6432, user: 'u', password: 'p@ss', path: 'app' });
    expect(capabilitiesOf(db)).toEqual([]);
  });
  it('the isolation level implies the consistency model the Elle workloads check; the user overrides it', () => {
    const model = (isolation: string, workload: string, workloadOptions = {}) =>
      planRun({ db: 'postgres', workload, nemesis: [], dbOptions: { isolation }, workloadOptions }).workloadOptions['consistency-model'];
    expect(model('serializable', 'list-append')).toBe('serializable');
    expect(model('repeatable-read', 'rw-register')).toBe('snapshot-isolation');
    expect(model('read-committed', 'list-append')).toBe('read-committed');
    expect(model('repeatable-read', 'list-append', { 'consistency-model': 'serializable' })).toBe('serializable');
    expect(model('serializable', 'bank')).toBeUndefined();
  });
  it('bank-2pc is postgres-2pc: refused on postgres, and postgres takes no bug', () => {
    expect(() => planRun({ db: 'postgres', workload: 'bank-2pc', nemesis: [] })).toThrow(/db postgres has no client for workload bank-2pc/);
    expect(() => createDb('postgres', { bug: 'forget-participant' })).toThrow(/--bug: db postgres has no bug 'forget-participant'/);
  });
});

describe('postgres-2pc options', () => {
  it('two independent servers by default, at least two, or the existing servers the URL names', () => {
    expect(nodesOf('postgres-2pc')).toEqual(['n1', 'n2']);
    expect(() => nodesOf('postgres-2pc', {}, 1)).toThrow(/--nodes: two-phase commit needs at least two participants \(got 1\)/);
    expect(nodesOf('postgres-2pc', { url: 'a=postgres://u@h1/db,b=postgres://u@h2/db' })).toEqual(['a', 'b']);
    expect(() => nodesOf('postgres-2pc', { url: 'postgres://u@h1/db' })).toThrow(/--db-option url: two-phase commit needs at least two participants/);
  });
  it('has a coordinator to crash beside the faults on its servers; plain postgres has none', () => {
    expect(capabilitiesOf(createDb('postgres-2pc').db)).toEqual(expect.arrayContaining(['coordinator', 'kill', 'partition', 'pause']));
    expect(capabilitiesOf(createDb('postgres-2pc', { dbOptions: { url: 'postgres://h1/db,postgres://h2/db' } }).db)).toEqual(['coordinator']);
    expect(capabilitiesOf(createDb('postgres').db)).not.toContain('coordinator');
  });
});

describe('mariadb options', () => {
  it('defaults to repeatable read on one server; Galera has 3 nodes unless --nodes says more', () => {
    expect(createDb('mariadb').options).toMatchObject({ isolation: 'repeatable-read', galera: false });
    expect(nodesOf('mariadb', { galera: 'true' })).toHaveLength(3);
    expect(nodesOf('mariadb', { galera: 'true' }, 5)).toHaveLength(5);
    expect(() => nodesOf('mariadb', { galera: 'true' }, 1)).toThrow(/--nodes 1 but the db options name 3 nodes/);
    expect(planRun({ db: 'mariadb', workload: 'list-append', nemesis: [] }).workloadOptions).toEqual({ 'consistency-model': 'snapshot-isolation' });
  });
  it('refuses what does not fit, naming the option', () => {
    expect(() => createDb('mariadb', { dbOptions: { innodb_snapshot_isolation: 'perhaps' } })).toThrow(/--db-option innodb_snapshot_isolation: expected one of on, off/);
    expect(() => createDb('mariadb', { dbOptions: { 'sync-wait': '1' } })).toThrow(/--db-option sync-wait: sync-wait is a Galera setting/);
    expect(() => createDb('mariadb', { dbOptions: { url: 'mysql://h' } })).toThrow(/--db-option url: 'mysql:\/\/h' names no database/);
    expect(() => createDb('mariadb', { dbOptions: { url: 'mysql://h/db', galera: 'true' } })).toThrow(/--db-option galera: a Galera cluster is set up only on servers faultline starts/);
    expect(() => createDb('mariadb', { nodes: 3 })).toThrow(/--nodes: MariaDB runs one server, or a Galera cluster/);
  });
});

describe('per-run identifiers', () => {
  it('are SQL-safe and carry the run id', () => {
    expect(runIdent('fl-mxack4ea-f443ef')).toBe('fl_mxack4ea_f443ef');
    expect(runIdent('t-Ext-12')).toMatch(/^fl_[a-z0-9_]+$/);
  });
});

import { describe, expect, it } from 'vitest';
import { getDb } from '../index.js';
import { pgNodeNames, pgSettings } from '../postgres/settings.js';
import { mariaNodeNames, mariaSettings } from '../mariadb/settings.js';
import { runIdent } from './settings.js';

describe('postgres options', () => {
  it('defaults to read committed, one node; --nodes N means a primary and N-1 replicas', () => {
    const s = pgSettings({});
    expect(s.isolation).toBe('read-committed');
    expect(pgNodeNames(s, 1)).toEqual(['n1']);
    expect(pgNodeNames(s, 3)).toEqual(['n1', 'n2', 'n3']);
    expect(pgNodeNames(pgSettings({ replicas: '2' }), 1)).toEqual(['n1', 'n2', 'n3']);
    expect(pgNodeNames(pgSettings({}, 'bank-2pc'), 1, 'bank-2pc')).toEqual(['n1', 'n2']);
  });
  it('refuses bad values, naming the option', () => {
    expect(() => pgSettings({ isolation: 'snapshot' })).toThrow(/--db-option isolation: isolation must be one of serializable, repeatable-read, read-committed/);
    expect(() => pgSettings({ replica: '1' })).toThrow(/--db-option replica: unknown postgres option 'replica'/);
    expect(() => pgSettings({ synchronous: 'maybe' })).toThrow(/--db-option synchronous/);
    expect(() => pgSettings({ synchronous: 'on', replicas: '0' })).toThrow(/synchronous replication needs replicas/);
    expect(() => pgSettings({ url: 'http://x' })).toThrow(/--db-option url: 'http:\/\/x' is not a postgres:\/\/ URL/);
    expect(() => pgSettings({ url: 'postgres://a/x,postgres://b/x' })).toThrow(/one server per run/);
    expect(() => pgSettings({ replicas: '1' }, 'bank-2pc')).toThrow(/independent servers/);
  });
  it('names existing servers by URL (several for bank-2pc participants)', () => {
    const s = pgSettings({ url: 'a=postgres://u@h1/db,b=postgres://u@h2/db' }, 'bank-2pc');
    expect(pgNodeNames(s, 1, 'bank-2pc')).toEqual(['a', 'b']);
  });
  it('the isolation level implies the consistency model the Elle workloads check', () => {
    const p = getDb('postgres')!;
    const o = (iso: string, workload: string) => p.workloadDefaults!({ nodes: 1, dbOptions: { isolation: iso }, workload });
    expect(o('serializable', 'list-append')).toEqual({ 'consistency-model': 'serializable' });
    expect(o('repeatable-read', 'rw-register')).toEqual({ 'consistency-model': 'snapshot-isolation' });
    expect(o('read-committed', 'list-append')).toEqual({ 'consistency-model': 'read-committed' });
    expect(o('serializable', 'bank')).toEqual({});
  });
  it('refuses the bank-2pc bug outside bank-2pc', () => {
    expect(() => getDb('postgres')!.create({ nodes: 1, dbOptions: {}, workload: 'bank', bug: 'forget-participant' })).toThrow(/--bug: bug 'forget-participant' is a bug of the bank-2pc coordinator/);
  });
});

describe('mariadb options', () => {
  it('defaults to repeatable read on one server; Galera has 3 nodes unless told', () => {
    expect(mariaSettings({}).isolation).toBe('repeatable-read');
    expect(mariaNodeNames(mariaSettings({ galera: 'true' }), 1)).toHaveLength(3);
    expect(mariaNodeNames(mariaSettings({ galera: 'true' }), 5)).toHaveLength(5);
    expect(getDb('mariadb')!.workloadDefaults!({ nodes: 1, dbOptions: {}, workload: 'list-append' })).toEqual({ 'consistency-model': 'snapshot-isolation' });
  });
  it('refuses what does not fit, naming the option', () => {
    expect(() => mariaSettings({ innodb_snapshot_isolation: 'perhaps' })).toThrow(/--db-option innodb_snapshot_isolation/);
    expect(() => mariaSettings({ 'sync-wait': '1' })).toThrow(/sync-wait is a Galera setting/);
    expect(() => mariaSettings({ url: 'mysql://h' })).toThrow(/is not a mysql:\/\/ URL with a host and a database/);
    expect(() => mariaSettings({ url: 'mysql://h/db', galera: 'true' })).toThrow(/--db-option galera/);
    expect(() => getDb('mariadb')!.create({ nodes: 3, dbOptions: {} })).toThrow(/--nodes: MariaDB runs one server, or a Galera cluster/);
  });
});

describe('per-run identifiers', () => {
  it('are SQL-safe and carry the run id', () => {
    expect(runIdent('fl-mxack4ea-f443ef')).toBe('fl_mxack4ea_f443ef');
    expect(runIdent('t-Ext-12')).toMatch(/^fl_[a-z0-9_]+$/);
  });
});

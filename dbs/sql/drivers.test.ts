import { describe, expect, it } from 'vitest';
import { classifyPg, pgDialect } from '../postgres/pg-driver.js';
import { classifyMysql, mysqlDialect } from '../mariadb/mysql-driver.js';
import { parseAddresses } from '../../src/external-db.js';
import { sqlAddress } from './conn.js';

describe('PostgreSQL errors', () => {
  const server = (code: string, severity = 'ERROR') => Object.assign(new Error('x'), { code, severity });
  it('serialization failures and deadlocks are answered by the server (definite)', () => {
    expect(classifyPg(server('40001'))).toMatchObject({ kind: 'serialization-failure', serverAnswered: true, code: '40001' });
    expect(classifyPg(server('40P01'))).toMatchObject({ kind: 'deadlock', serverAnswered: true });
    expect(classifyPg(server('55P03'))).toMatchObject({ kind: 'lock-timeout', serverAnswered: true });
  });
  it('shutdowns, FATALs, completion-unknown and socket errors may hide a commit', () => {
    expect(classifyPg(server('57P01', 'FATAL')).serverAnswered).toBe(false);
    expect(classifyPg(server('40003')).serverAnswered).toBe(false);
    expect(classifyPg(server('XX000')).serverAnswered).toBe(false);
    expect(classifyPg(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }))).toMatchObject({ serverAnswered: false, kind: 'connection (ECONNRESET)' });
    expect(classifyPg(new Error('Connection terminated unexpectedly')).serverAnswered).toBe(false);
  });
  it('logs in as a URL says, else as the defaults', () => {
    const at = (url: string) => sqlAddress(parseAddresses(url, { where: 'url', defaultPort: 5432, schemes: ['postgres', 'postgresql'] })[0]!, { user: 'postgres', database: 'postgres' });
    expect(at('postgres://u:p%40ss@db.example:6432/app')).toEqual({ host: 'db.example', port: 6432, user: 'u', password: 'p@ss', database: 'app' });
    expect(at('postgresql://10.0.0.1')).toEqual({ host: '10.0.0.1', port: 5432, user: 'postgres', database: 'postgres' });
    expect(() => at('mysql://x/y')).toThrow(/expected a postgres or postgresql URL/);
  });
  it('upserts append with ON CONFLICT DO UPDATE', () => {
    expect(pgDialect.appendUpsert('"t"', 3, '7')).toEqual({ sql: expect.stringMatching(/^INSERT INTO "t" AS t .* ON CONFLICT \(id\) DO UPDATE SET val = CONCAT\(t\.val, ',', \$2::text\)/), params: [3, '7'] });
  });
});

describe('MariaDB errors', () => {
  const server = (errno: number) => Object.assign(new Error('x'), { errno, sqlState: '40001', fatal: false });
  it('deadlocks, certification failures and snapshot conflicts are definite', () => {
    expect(classifyMysql(server(1213))).toMatchObject({ kind: 'deadlock', serverAnswered: true, code: '1213' });
    expect(classifyMysql(server(1020))).toMatchObject({ kind: 'record-changed', serverAnswered: true });
  });
  it('a node leaving the primary component, a killed connection or a lost socket may hide a commit', () => {
    expect(classifyMysql(server(1047)).serverAnswered).toBe(false);
    expect(classifyMysql(server(1927)).serverAnswered).toBe(false);
    expect(classifyMysql(Object.assign(new Error('Connection lost'), { code: 'PROTOCOL_CONNECTION_LOST', fatal: true })).serverAnswered).toBe(false);
  });
  it('upserts append with ON DUPLICATE KEY UPDATE, one placeholder per use', () => {
    const s = mysqlDialect.appendUpsert('`t`', 3, '7');
    expect(s.sql).toMatch(/ON DUPLICATE KEY UPDATE val = CONCAT\(val, ',', \?\)/);
    expect(s.params).toEqual([3, 3, '7', '7']);
  });
});

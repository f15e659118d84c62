import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tarFiles, untarFirst } from './tar.js';

describe('tarFiles', () => {
  it('writes archives that GNU tar unpacks byte for byte, long paths included', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fl-tar-'));
    const long = `/etc/${'d'.repeat(80)}/${'f'.repeat(60)}.conf`;
    const files = { '/etc/zookeeper/zoo.cfg': 'tickTime=2000\nserver.1=n1:2888:3888\n', [long]: 'x'.repeat(513), '/empty': '' };
    writeFileSync(join(dir, 'a.tar'), tarFiles(files));
    execFileSync('tar', ['-xf', join(dir, 'a.tar'), '-C', dir]);
    for (const [p, c] of Object.entries(files)) expect(readFileSync(join(dir, p), 'utf8')).toBe(c);
  });
});

describe('untarFirst', () => {
  it('returns the first regular file of an archive GNU tar made, skipping directories and long-name records', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fl-untar-'));
    const name = `${'n'.repeat(120)}.log`;
    writeFileSync(join(dir, name), 'line 1\nline 2\n');
    execFileSync('tar', ['-cf', join(dir, 'x.tar'), '-C', dir, name]);
    expect(untarFirst(readFileSync(join(dir, 'x.tar'))).toString()).toBe('line 1\nline 2\n');
    expect(untarFirst(tarFiles({ '/a': 'A', '/b': 'B' })).toString()).toBe('A');
  });
});

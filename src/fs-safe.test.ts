import { mkdtempSync, readFileSync, writeFileSync, mkdirSync, readdirSync, symlinkSync, readlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FaultlineError } from './errors.js';
import { checkWritableDir, checkWritableFile, ensureDir, writeFileSafe } from './fs-safe.js';

const tmp = mkdtempSync(join(tmpdir(), 'fl-fs-safe-'));

describe('safe filesystem writes', () => {
  it('a directory under /proc fails at once instead of looping (Node\'s recursive mkdir spins there)', () => {
    const t0 = Date.now();
    expect(() => ensureDir('/proc/self/x/y', '--out')).toThrow(/^--out: cannot create directory \/proc\/self\/x: no such file or directory \(ENOENT\)$/);
    expect(Date.now() - t0).toBeLessThan(1000);
  });

  it('a file in the way of a directory, and a directory in the way of a file, are named', () => {
    writeFileSync(join(tmp, 'file'), 'x');
    expect(() => ensureDir(join(tmp, 'file', 'sub'), '--out')).toThrow(/--out: cannot create directory .*: .*file is not a directory/);
    mkdirSync(join(tmp, 'dir'));
    expect(() => checkWritableFile(join(tmp, 'dir'), '--junit')).toThrow(FaultlineError);
    expect(() => checkWritableFile(join(tmp, 'dir'), '--junit')).toThrow(/--junit: cannot write .*dir: it is a directory/);
    expect(() => writeFileSafe(join(tmp, 'dir'), 'x')).toThrow(/it is a directory/);
  });

  it('checks leave no probe behind and create missing directories', () => {
    const d = checkWritableDir(join(tmp, 'a', 'b', 'c'), '--out');
    expect(readdirSync(d)).toEqual([]);
  });

  it('writes whole files, replacing the old one, and writes through symlinks in place', () => {
    const f = join(tmp, 'out.json');
    writeFileSafe(f, 'one');
    writeFileSafe(f, 'two');
    expect(readFileSync(f, 'utf8')).toBe('two');
    expect(readdirSync(tmp).filter((n) => n.includes('.tmp'))).toEqual([]);
    symlinkSync(f, join(tmp, 'link.json'));
    writeFileSafe(join(tmp, 'link.json'), 'three');
    expect(readlinkSync(join(tmp, 'link.json'))).toBe(f);
    expect(readFileSync(f, 'utf8')).toBe('three');
  });

  it('a full device is an IO error naming the path', () => {
    expect(() => writeFileSafe('/dev/full', 'x'.repeat(10), '--junit')).toThrow(/^--junit: cannot write \/dev\/full: no space left on the device \(ENOSPC\)$/);
  });
});

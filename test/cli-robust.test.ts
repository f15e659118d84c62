// User and environment errors through the real CLI: unusable output places (a pseudo-filesystem,
// a read-only or full filesystem, a directory), a node that never answers, and hostile text.
// Each ends with exit 254 and one message naming the problem and the place: no stack trace, no
// hang, and no verdict line before a refusal that could have been known up front. Read-only and
// full filesystems are real: small tmpfs mounts made here (root needed; skipped with a message
// otherwise) and removed afterwards.

import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { faultline, processesMentioning } from './cli-helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'fl-cli-robust-'));
const history = join(tmp, 'h.jsonl');
writeFileSync(history, '{"type":"invoke","process":0,"f":"write","value":1}\n{"type":"ok","process":0,"f":"write","value":1}\n');
const STACK = /\n\s+at .+:\d+:\d+/;

const isRoot = process.getuid?.() === 0;
if (!isRoot) console.warn(`${import.meta.filename}: tests mounting a tmpfs (read-only or full filesystems) are skipped: they need root`);
const mounts: string[] = [];

/** A tmpfs of `kb` KiB at a fresh directory (read-only with ro), unmounted after the file. */
function tmpfs(name: string, kb: number, ro = false): string {
  const dir = join(tmp, name);
  mkdirSync(dir, { recursive: true });
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${kb}k${ro ? ',ro' : ''}`, 'tmpfs', dir]);
  mounts.push(dir);
  return dir;
}

/** Fills a filesystem until writes fail with ENOSPC. */
function fill(dir: string): void {
  try {
    execFileSync('dd', ['if=/dev/zero', `of=${join(dir, 'filler')}`, 'bs=4k'], { stdio: 'ignore' });
  } catch {
    // dd stops with an error once the device is full: that is the point
  }
}

afterAll(() => {
  for (const m of mounts.reverse()) execFileSync('umount', ['-l', m]);
});

function expectUserError(r: { exitCode: number; stdout: string; stderr: string }, re: RegExp): void {
  expect(r.exitCode, r.stdout + r.stderr).toBe(254);
  expect(r.stderr).toMatch(re);
  expect(r.stderr).not.toMatch(STACK);
  expect(r.stderr).not.toMatch(/crashed/);
}

describe('unusable output places', () => {
  it('--out under /proc fails at once (it used to hang)', async () => {
    const c = await faultline(['check', '--model', 'register', history, '--out', '/proc/self/x'], { timeoutMs: 30_000 });
    expectUserError(c, /^faultline: --out: cannot create directory \/proc\/self\/x: no such file or directory \(ENOENT\)$/m);
    expect(c.stdout).toBe('');
    const r = await faultline(['run', '--time-limit', '1', '--out', '/proc/self/x'], { timeoutMs: 30_000 });
    expectUserError(r, /--out: cannot create directory \/proc\/self\/x/);
  });

  it('--junit naming a directory is refused before the check, not after the verdict', async () => {
    const d = join(tmp, 'a-directory');
    mkdirSync(d);
    const c = await faultline(['check', '--model', 'register', history, '--junit', d]);
    expectUserError(c, /--junit: cannot write .*a-directory: it is a directory/);
    expect(c.stdout).not.toMatch(/VALID/);
  });

  it.skipIf(!isRoot)('a read-only filesystem for --junit or --out: 254 naming it, before any work', async () => {
    const ro = tmpfs('ro', 64, true);
    const c = await faultline(['check', '--model', 'register', history, '--junit', join(ro, 'j.xml')]);
    expectUserError(c, /--junit: cannot write into .*\/ro: read-only file system \(EROFS\)/);
    expect(c.stdout).not.toMatch(/VALID/);
    const o = await faultline(['check', '--model', 'register', history, '--out', join(ro, 'out')]);
    expectUserError(o, /--out: cannot create directory .*\/ro\/out: read-only file system \(EROFS\)/);
    const t0 = Date.now();
    const r = await faultline(['run', '--time-limit', '5', '--out', ro]);
    expectUserError(r, /--out: cannot write into .*\/ro: read-only file system \(EROFS\)/);
    expect(r.stderr).not.toMatch(/setup/); // refused before any node started
    expect(Date.now() - t0).toBeLessThan(20_000);
  });

  it.skipIf(!isRoot)('a full disk for --junit or --out: the verdict stands, then 254 naming the file', async () => {
    const full = tmpfs('full', 64);
    fill(full);
    const c = await faultline(['check', '--model', 'register', history, '--junit', join(full, 'j.xml')]);
    expectUserError(c, /--junit: cannot write .*\/full\/j\.xml: no space left on the device \(ENOSPC\)/);
    expect(c.stdout).toMatch(/^VALID$/m);
    const o = await faultline(['check', '--model', 'register', history, '--out', join(full, 'out')]);
    expectUserError(o, /cannot write .*no space left on the device \(ENOSPC\)/);
    expect(o.stderr).toMatch(/the verdict above was computed, but --out could not be written/);
  });
});

describe('a node that never answers', () => {
  it('exits 254 naming the node, and the run directory still holds results.json saying why', async () => {
    const bin = join(tmp, 'dies.js');
    writeFileSync(bin, 'process.stderr.write("cannot start\\n"); process.exit(3);\n');
    chmodSync(bin, 0o755);
    const out = join(tmp, 'results-dead');
    const r = await faultline(['run', '--bin', bin, '--nodes', '3', '--time-limit', '3', '--nemesis', 'none', '--out', out]);
    expectUserError(r, /faultline: n\d: node exited before answering init/);
    expect(r.stderr).toMatch(/what the run recorded is in /);
    const dir = join(out, 'maelstrom-register', 'latest');
    const results = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));
    expect(results.valid).toBe('unknown');
    expect(results.error).toMatch(/node exited before answering init/);
    expect(readdirSync(dir)).toEqual(expect.arrayContaining(['history.jsonl', 'test.json', 'results.json']));
    expect(processesMentioning(bin)).toEqual([]);
  });
});

describe('hostile text never reaches the terminal raw', () => {
  it('escape sequences in op names and option values are shown escaped', async () => {
    const f = join(tmp, 'esc.jsonl');
    const osc = '\u001b]0;pwned\u0007';
    writeFileSync(f, [`{"type":"invoke","process":0,"f":${JSON.stringify(osc)},"value":1}`, `{"type":"fail","process":0,"f":${JSON.stringify(osc)},"value":1}`].join('\n') + '\n');
    const s = await faultline(['check', '--checker', 'stats', f]);
    expect(s.stdout).toContain('\\x1b]0;pwned\\x07');
    expect(s.stdout + s.stderr).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    const e = await faultline(['check', '--checker', `${osc}\u001b[2J`, f]);
    expect(e.exitCode).toBe(254);
    expect(e.stderr).toContain("unknown checker '\\x1b]0;pwned\\x07\\x1b[2J'");
    expect(e.stderr).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
  });
});

it('leaves no probe files behind', () => {
  expect(existsSync(join(tmp, 'a-directory'))).toBe(true);
  expect(readdirSync(join(tmp, 'a-directory'))).toEqual([]);
});

// faultline as a user gets it: `npm pack`, installed into an empty project from the tarball. The
// installed CLI prints its version, runs the built-in default target, and runs the example suite
// (examples/kv-suite, a Python key-value store in containers, declared with the public API only)
// valid without its bug and invalid with it. Runtime dependencies hold no test tooling.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './cli-helpers.js';
import { prepareDocker } from './docker-helpers.js';

const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
let project = '';

const npx = (args: string[], timeout = 300_000) =>
  execa('npx', ['--no-install', 'faultline', ...args], { cwd: project, reject: false, timeout, env: { FORCE_COLOR: '0' } });

beforeAll(async () => {
  project = mkdtempSync(join(tmpdir(), 'faultline-user-'));
  const packed = await execa('npm', ['pack', '--pack-destination', project, '--silent'], { cwd: ROOT });
  const tarball = join(project, packed.stdout.trim().split('\n').pop()!);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'user-suite', private: true, type: 'module' }));
  await execa('npm', ['install', '--no-audit', '--no-fund', tarball], { cwd: project });
  cpSync(join(ROOT, 'examples', 'kv-suite'), join(project, 'kv-suite'), { recursive: true });
}, 600_000);

afterAll(() => {
  if (project) rmSync(project, { recursive: true, force: true });
});

describe('the packed package in an empty project', () => {
  it('ships the build, not the sources, and no test tooling at run time', async () => {
    const pkgDir = join(project, 'node_modules', 'faultline');
    expect(readdirSync(pkgDir).sort()).toEqual(expect.arrayContaining(['bin', 'dist', 'package.json']));
    expect(readdirSync(pkgDir)).not.toContain('src');
    const ls = await execa('npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: project, reject: false });
    for (const dev of ['vitest', 'playwright-core', 'tsx']) expect(ls.stdout).not.toMatch(new RegExp(`node_modules/${dev}$`, 'm'));
  });

  it('prints its version and runs the built-in default target', async () => {
    expect((await npx(['--version'])).stdout.trim()).toBe(version);
    const r = await npx(['run', '--time-limit', '10', '--seed', '1']);
    expect(r.exitCode, r.stderr + r.stdout).toBe(0);
    expect(r.stdout).toMatch(/VALID/);
  });

  it('runs the example suite from its folder: valid without the bug, invalid with it', async () => {
    await prepareDocker();
    const suite = join(project, 'kv-suite');
    const run = (extra: string[], seed = '3') =>
      execa('npx', ['--no-install', 'faultline', 'run', '--db', 'pykv', '--nemesis', 'partition', '--nemesis-option', 'partition=one', '--time-limit', '15', '--seed', seed, '--out', join(project, 'results'), ...extra], {
        cwd: suite, reject: false, timeout: 600_000, env: { FORCE_COLOR: '0' },
      });
    const good = await run([]);
    expect(good.exitCode, good.stderr + good.stdout).toBe(0);
    // Local reads are stale only when a partitioned node's client reads what the others have
    // since written: likely in 15 s, not certain. Seeds are tried until one shows it - up to six:
    // a CI run beside the other project got 6-12 ops/s from the Python server, and three seeds
    // all came out valid once.
    const bad: string[] = [];
    for (const seed of ['3', '4', '5', '6', '7', '8']) {
      const r = await run(['--bug', 'local-reads'], seed);
      expect([0, 1], r.stderr + r.stdout).toContain(r.exitCode);
      bad.push(r.stdout);
      if (r.exitCode === 1) break;
    }
    expect(bad.at(-1), bad.join('\n---\n')).toMatch(/linearizable: INVALID/);
    // The same suite from elsewhere, named with --suite, appears in the plugin list.
    const listed = await npx(['plugins', '--suite', join(suite, 'faultline.config.js')]);
    expect(listed.stdout).toMatch(/pykv: pykv \(examples\/kv-suite\)/);
  }, 400_000);
});

// The CI commands end to end through the real CLI: test-all on a small matrix against the
// built-in Raft cluster (dry run, a bad config, one real run with JUnit and GitHub output), and
// `faultline serve` answering on loopback.

import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { nonLinearizableRun } from './report-fixtures.js';

const BIN = fileURLToPath(new URL('../bin/faultline.js', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'fl-ci-cli-'));

function config(name: string, c: Record<string, unknown>): string {
  const f = join(tmp, name);
  writeFileSync(f, JSON.stringify(c));
  return f;
}

describe('faultline test-all', () => {
  it('prints the matrix on --dry-run', async () => {
    const f = config('dry.json', { dbs: ['raft'], workloads: ['register', 'set'], nemeses: ['partition,kill', 'none'], seeds: [1, 2, 3] });
    const r = await execa('node', [BIN, 'test-all', f, '--dry-run'], { reject: false });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout.split('\n')).toContain('raft set nemesis=partition+kill seed=3');
    expect(r.stdout).toMatch(/^12 runs$/m);
  });

  it('refuses a bad config before running anything (exit 254, naming file and key)', async () => {
    const f = config('bad.json', { dbs: ['raft', 'nosuchdb'], workloads: ['register'] });
    const r = await execa('node', [BIN, 'test-all', f], { reject: false });
    expect(r.exitCode).toBe(254);
    expect(r.stderr).toContain(`${f}: dbs: unknown db 'nosuchdb'`);
    const g = config('bad2.json', { workloads: ['register'], seeds: [1], timeLimit: -1 });
    expect((await execa('node', [BIN, 'test-all', g], { reject: false })).exitCode).toBe(254);
  });

  it('plans every cell before the first runs: unknown nemeses, faults the db cannot do, bad nemesis options', async () => {
    const out = join(tmp, 'never');
    for (const [c, re] of [
      [{ workloads: ['register'], nemeses: ['partition', 'nosuch'] }, /: nemeses: unknown nemesis 'nosuch' .*\(in the run raft register nemesis=nosuch\)/],
      [{ workloads: ['register'], nemeses: ['none', 'clock'] }, /: nemeses clock: db raft cannot skew/],
      [{ workloads: ['register'], nemeses: ['pause'], nemesisOptions: { pause: 'bogus' } }, /: nemesisOptions pause=?: .*'bogus'/],
      [{ workloads: ['register'], dbOptions: { 'timeout-ms': 'soon' } }, /dbOptions/],
    ] as const) {
      const f = config('cells.json', { dbs: ['raft'], seeds: [1], timeLimit: 1, out, ...c });
      const r = await execa('node', [BIN, 'test-all', f], { reject: false });
      expect(r.exitCode, r.stdout + r.stderr).toBe(254);
      expect(r.stderr).toMatch(re);
      expect(r.stdout).not.toMatch(/\[1\//); // no cell ran
    }
    expect(existsSync(out)).toBe(false);
  });

  it('runs a matrix, writes JUnit and GitHub output, exits with the worst verdict', async () => {
    const out = join(tmp, 'results');
    const f = config('m.json', { dbs: ['raft'], workloads: ['register'], nemeses: ['none'], seeds: [1], timeLimit: 2, nodes: 3, out });
    const junit = join(tmp, 'junit.xml');
    const summary = join(tmp, 'summary.md');
    writeFileSync(summary, '');
    const r = await execa('node', [BIN, 'test-all', f, '--junit', junit], { reject: false, env: { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary } });
    // The built-in Raft without a --bug is linearizable: this matrix must pass. (2 s, not 1: in one
    // second of a loaded machine no cas may succeed, and stats then says unknown, as designed.)
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/\[1\/1\] VALID +raft register nemesis=none seed=1 .*report\.html/);
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toMatch(/<testsuites name="faultline" tests="\d+" failures="0" errors="0">/);
    expect(xml).toContain('<testcase classname="raft.register.none" name="linearizable [seed 1]"');
    expect(readFileSync(summary, 'utf8')).toContain('| raft.register.none | 1 | linearizable | ✅ valid |');
    expect(r.stdout).not.toContain('::error');
  });
});

describe('faultline serve', () => {
  it('serves the results list on loopback and stops on SIGTERM', async () => {
    const root = join(tmp, 'serve-results');
    nonLinearizableRun(join(root, 'raft-register', '20261125-120000'));
    const child = execa('node', [BIN, 'serve', '--port', '0', '--results', root], { reject: false });
    try {
      const url = await new Promise<string>((ok, fail) => {
        let buf = '';
        child.stdout!.on('data', (d: Buffer) => {
          buf += d.toString();
          const m = /at (http:\/\/127\.0\.0\.1:\d+)\//.exec(buf);
          if (m) ok(m[1]!);
        });
        void child.then((r) => fail(new Error(`serve exited early: ${r.stderr}`)));
      });
      const list = await (await fetch(`${url}/`)).text();
      expect(list).toContain('register-partition');
      const report = await fetch(`${url}/r/raft-register/20261125-120000/report.html`);
      expect(report.status).toBe(200);
      expect(await report.text()).toContain('Jump to the first anomaly');
    } finally {
      child.kill('SIGTERM');
    }
    const r = await child;
    expect(r.exitCode).toBe(0);
  });
});


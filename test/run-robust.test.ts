// `faultline run` when the world interferes: the disk fills up mid-run (a real, tiny tmpfs), and
// SIGTERM/SIGHUP arrive, directly or through npx (which does not pass signals on to faultline).
// Every case ends in the same clean stop: faults healed, nodes gone, the history kept, and an
// honest exit code (2 unknown for a full disk, 255 interrupted).

import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { faultline, processesMentioning, ROOT, runDirOf, spawnFaultline } from './cli-helpers.js';
import { waitFor } from './maelstrom-helpers.js';
import type { Client } from '../src/protocols.js';
import '../app/builtins.js';

const tmp = mkdtempSync(join(tmpdir(), 'fl-run-robust-'));
const isRoot = process.getuid?.() === 0;
if (!isRoot) console.warn(`${import.meta.filename}: tests mounting a tmpfs (read-only or full filesystems) are skipped: they need root`);
const mounts: string[] = [];

afterAll(() => {
  for (const m of mounts) execFileSync('umount', ['-l', m]);
});

/** Waits until the run's progress shows the workload running; returns the run directory. */
function workloadRunning(stderr: NodeJS.ReadableStream): Promise<string> {
  let err = '';
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`the workload did not start:\n${err}`)), 60_000);
    stderr.on('data', (d: Buffer) => {
      err += d.toString();
      if (/\] workload\n/.test(err)) {
        clearTimeout(t);
        resolve(runDirOf(err));
      }
    });
  });
}

describe('a full disk during the run', () => {
  it.skipIf(!isRoot)('stops the run cleanly: verdict unknown (exit 2) naming the error, never invalid; the whole history saved elsewhere', async () => {
    const out = join(tmp, 'small');
    mkdirSync(out);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=96k', 'tmpfs', out]);
    mounts.push(out);
    const r = await faultline(['run', '--time-limit', '20', '--nemesis', 'none', '--seed', '1', '--out', out], { timeoutMs: 120_000 });
    expect(r.exitCode, r.stdout + r.stderr).toBe(2);
    expect(r.stdout).toMatch(/verdict: UNKNOWN — the run was stopped after \d+ ops because .*history\.jsonl: cannot write the history \(\d+ ops are on disk\): no space left on the device \(ENOSPC\)/);
    expect(r.stdout).not.toMatch(/INVALID/);
    expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
    const dir = runDirOf(r.stderr);
    expect(processesMentioning(dir)).toEqual([]);
    // The run directory keeps whole lines only; the complete history went to the salvage folder.
    const onDisk = readFileSync(join(dir, 'history.jsonl'), 'utf8');
    expect(onDisk.endsWith('\n')).toBe(true);
    const lines = onDisk.split('\n').filter(Boolean);
    for (const l of lines) JSON.parse(l);
    const saved = /saved in (\S+)/.exec(r.stderr)?.[1];
    expect(saved, r.stderr).toBeTruthy();
    const all = readFileSync(join(saved!, 'history.jsonl'), 'utf8').split('\n').filter(Boolean);
    expect(all.length).toBeGreaterThan(lines.length);
    expect(all.slice(0, lines.length)).toEqual(lines);
    expect(JSON.parse(readFileSync(join(saved!, 'results.json'), 'utf8')).valid).toBe('unknown');
    rmSync(saved!, { recursive: true, force: true });
  });
});

describe('a write failing after the verdict', () => {
  it.skipIf(!isRoot)('keeps the verdict, saves the files elsewhere and reports the failure (the CLI then exits 254)', async () => {
    const out = join(tmp, 'late');
    mkdirSync(out);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', out]);
    mounts.push(out);
    const { prepareRun, executePlan } = await import('../src/run.js');
    const plan = prepareRun({ workload: 'register', nemesis: [], nodes: 3, timeLimitS: 2, rate: 200, out, quiet: true, seed: 1 });
    const regs = new Map<unknown, unknown>();
    const client: Client = {
      open: async () => client,
      invoke: async (_t, op) => {
        const [k, v] = op.value as [unknown, unknown];
        if (op.f === 'read') return { type: 'ok', value: [k, regs.get(k) ?? null] };
        if (op.f === 'write') regs.set(k, v);
        else if ((regs.get(k) ?? null) === (v as unknown[])[0]) regs.set(k, (v as unknown[])[1]);
        else return { type: 'fail' };
        return { type: 'ok', value: op.value };
      },
    };
    // The disk fills up during teardown: after the history, before results.json.
    plan.client = () => client;
    plan.db = {
      name: 'memory',
      setup: async () => {},
      teardown: async () => {
        try {
          execFileSync('dd', ['if=/dev/zero', `of=${join(out, 'filler')}`, 'bs=4k'], { stdio: 'ignore' });
        } catch {
          // full
        }
      },
    };
    const o = await executePlan(plan);
    // Enough ops that every f succeeds at least once even on a loaded machine (a never-successful
    // cas would make the stats checker say unknown, which is not what this test is about).
    expect(o.valid, JSON.stringify(o.results).slice(0, 800)).toBe(true);
    expect(o.storeError?.message).toMatch(/results\.json: cannot write .*no space left on the device \(ENOSPC\)|test\.json: cannot write/);
    expect(o.savedTo).toBeTruthy();
    expect(JSON.parse(readFileSync(join(o.savedTo!, 'results.json'), 'utf8')).valid).toBe(true);
    rmSync(o.savedTo!, { recursive: true, force: true });
  });
});

describe('signals', () => {
  for (const sig of ['SIGTERM', 'SIGHUP'] as const) {
    it(`${sig} mid-run with a paused node: healed, torn down, history kept, exit 255`, async () => {
      const child = spawnFaultline(['run', '--time-limit', '60', '--nemesis', 'pause', '--nemesis-interval', '1', '--seed', '3', '--out', join(tmp, 'sig')]);
      const dir = await workloadRunning(child.stderr!);
      await new Promise((r) => setTimeout(r, 2500)); // long enough for a pause to be likely
      child.kill(sig);
      const r = await child;
      expect(r.exitCode, String(r.stderr)).toBe(255);
      expect(String(r.stderr)).toContain(`${sig}: stopping the workload; healing and tearing down`);
      expect(processesMentioning(dir)).toEqual([]);
      const results = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));
      expect(results.valid).toBe('unknown');
      expect(results.error).toMatch(new RegExp(`interrupted \\(${sig}\\) after \\d+ ops`));
      expect(readFileSync(join(dir, 'history.jsonl'), 'utf8').split('\n').length).toBeGreaterThan(5);
      expect(JSON.parse(readFileSync(join(dir, 'test.json'), 'utf8')).interrupted).toBe(true);
    });
  }

  it('SIGTERM to npx: faultline notices its parent died and stops the same way (no orphaned nodes)', async () => {
    // An installed package as npm lays it out: node_modules/faultline and its bin link.
    const proj = join(tmp, 'proj');
    mkdirSync(join(proj, 'node_modules', '.bin'), { recursive: true });
    writeFileSync(join(proj, 'package.json'), '{"name":"proj","version":"1.0.0","private":true}\n');
    symlinkSync(ROOT, join(proj, 'node_modules', 'faultline'));
    symlinkSync('../faultline/bin/faultline.js', join(proj, 'node_modules', '.bin', 'faultline'));
    const out = join(tmp, 'npx-results');
    const npx = spawn('npx', ['--no', 'faultline', 'run', '--time-limit', '60', '--nemesis', 'pause', '--nemesis-interval', '1', '--out', out], {
      cwd: proj,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, FORCE_COLOR: '0' },
    });
    const dir = await workloadRunning(npx.stderr!);
    npx.kill('SIGTERM');
    await waitFor('the run to be stopped and stored', async () => existsSync(join(dir, 'results.json')), 60_000);
    await waitFor('every node and faultline itself gone', async () => processesMentioning(dir).length === 0 && processesMentioning(out).length === 0, 30_000);
    const results = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));
    expect(results.valid).toBe('unknown');
    expect(results.error).toMatch(/interrupted \(the parent process \((sh|npm), pid \d+\) exited\)/);
    expect(readdirSync(dir)).toEqual(expect.arrayContaining(['history.jsonl', 'report.html']));
  });
});

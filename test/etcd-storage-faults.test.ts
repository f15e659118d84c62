// Storage faults on etcd through the CLI and the container layer (issue 18): `--nemesis power`
// (data directory on lazyfs: kill, lose every unsynced write, restart) loses nothing etcd
// acknowledged; bitflip/truncate (one file of a stopped minority node) and disk-full (a small
// tmpfs filled and freed) complete without hanging, with each node's behaviour after the restart
// in the history and the report; a run killed with SIGKILL mid-fault leaves nothing behind once
// `faultline sweep` has run. Short runs (15 s, seed 1); seed sweeps belong in bench/.

import { beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { leftovers, NODE_TOOLS_SETUP_MS, prepareNodeTools } from './docker-helpers.js';

const root = fileURLToPath(new URL('..', import.meta.url));

interface NemesisOp {
  type: string;
  f: string;
  process: unknown;
  value: Record<string, unknown> | null;
  error?: unknown;
}

function run(args: string[]): { code: number | null; dir: string; out: string; nemesis: NemesisOp[]; report: string; runId: string } {
  const out = mkdtempSync(join(tmpdir(), 'faultline-etcd-storage-'));
  const r = spawnSync(process.execPath, ['bin/faultline.js', 'run', '--db', 'etcd', '--quiet', '--out', out, '--time-limit', '15', '--seed', '1', ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 170_000,
  });
  const testDir = join(out, `etcd-${args[args.indexOf('--workload') + 1]}`);
  const runs = existsSync(testDir) ? readdirSync(testDir).filter((d) => d !== 'latest') : [];
  const dir = runs.length ? join(testDir, runs[0]!) : '';
  const lines = dir ? readFileSync(join(dir, 'history.jsonl'), 'utf8').split('\n').filter(Boolean) : [];
  const nemesis = lines.map((l) => JSON.parse(l) as NemesisOp).filter((o) => o.process === 'nemesis' && o.type !== 'invoke');
  const report = dir && existsSync(join(dir, 'report.html')) ? readFileSync(join(dir, 'report.html'), 'utf8') : '';
  const runId = dir ? (JSON.parse(readFileSync(join(dir, 'test.json'), 'utf8')) as { runId: string }).runId : '';
  return { code: r.status, dir, out: `${r.stdout}\n${r.stderr}`, nemesis, report, runId };
}

const restartsOf = (ops: NemesisOp[]) => ops.flatMap((o) => ((o.value?.restarts as Array<{ node: string; outcome: string }>) ?? []));

beforeAll(prepareNodeTools, NODE_TOOLS_SETUP_MS);

describe('storage faults on etcd', () => {
  it('power failures (lazyfs) lose nothing etcd acknowledged: register is linearizable', async () => {
    const r = run(['--workload', 'register', '--nemesis', 'power']);
    expect(r.code, r.out).toBe(0);
    const offs = r.nemesis.filter((o) => o.f === 'power-off');
    expect(offs.length, r.out).toBeGreaterThan(0);
    for (const o of offs) expect(o.error, JSON.stringify(o)).toBeUndefined();
    const failures = offs.flatMap((o) => (o.value?.failures as Array<{ node: string; ok: boolean }>) ?? []);
    expect(failures.length).toBeGreaterThan(0);
    // Every power failure went through lazyfs (its counters were read and the undo completed).
    for (const f of failures) expect(f.ok, JSON.stringify(f)).toBe(true);
    // Never a majority: at most one of three nodes at a time.
    for (const o of offs) expect((o.value?.nodes as string[]).length).toBe(1);
    const restarts = restartsOf(r.nemesis);
    expect(restarts.length).toBeGreaterThan(0);
    for (const x of restarts) expect(['ready', 'running']).toContain(x.outcome);
    expect(r.report).toContain('id="storage-faults"');
    expect(await leftovers(r.runId)).toEqual([]);
  }, 180_000);

  it('bitflip and truncate damage a file of a stopped node, restart it, and the report says what it did', async () => {
    const r = run(['--workload', 'register', '--nemesis', 'bitflip,truncate']);
    // What etcd makes of damaged files is its business (valid, or not); the run must finish.
    expect([0, 1, 2], r.out).toContain(r.code);
    const damage = r.nemesis.filter((o) => o.f === 'flip-bits' || o.f === 'truncate-file');
    expect(damage.length, r.out).toBeGreaterThan(0);
    const records = damage.flatMap((o) => (o.value?.corruptions as Array<{ node: string; file?: string; flips?: unknown[]; sizeAfter?: number; sizeBefore?: number }>) ?? []);
    expect(records.length).toBeGreaterThan(0);
    for (const c of records) {
      expect(c.file, JSON.stringify(c)).toMatch(/^etcd\/member\/(wal\/.*\.wal|snap\/(db|.*\.snap))$/);
      if (c.flips) expect(c.flips.length).toBeGreaterThan(0);
      else expect(c.sizeAfter!).toBeLessThan(c.sizeBefore!);
    }
    for (const o of damage) expect((o.value?.nodes as string[]).length).toBe(1);
    // Every damaged node was started again and its behaviour recorded (ready, exited, not ready).
    const restarted = new Set(restartsOf(r.nemesis).map((x) => x.node));
    for (const c of records) expect(restarted.has(c.node), `${c.node} never restarted`).toBe(true);
    expect(r.report).toMatch(/id="storage-faults"[\s\S]*(flipped \d+ bit|truncated to)/);
    expect(r.report).toMatch(/<td>restart<\/td>/);
    expect(await leftovers(r.runId)).toEqual([]);
  }, 180_000);

  it('disk-full fills a small disk (a write then fails with ENOSPC) and frees it; nothing acknowledged is lost', async () => {
    // The default disk (256 MiB): etcd preallocates 64 MB WAL segments (and a wal.tmp when it
    // starts), so a disk of 80 MiB or less stops it from ever starting.
    const r = run(['--workload', 'register', '--nemesis', 'disk-full']);
    expect(r.code, r.out).toBe(0);
    const fills = r.nemesis.filter((o) => o.f === 'fill-disk');
    expect(fills.length, r.out).toBeGreaterThan(0);
    for (const o of fills) {
      expect(o.error, JSON.stringify(o)).toBeUndefined();
      for (const f of o.value!.filled as Array<{ probe: string; availAfter: number }>) expect(f.probe).toMatch(/No space left on device/);
    }
    expect(r.nemesis.some((o) => o.f === 'free-disk')).toBe(true);
    expect(r.report).toMatch(/id="storage-faults"[\s\S]*probe write/);
    expect(await leftovers(r.runId)).toEqual([]);
  }, 180_000);

  it('a run SIGKILLed during power and disk faults leaves nothing once `faultline sweep` ran', async () => {
    const out = mkdtempSync(join(tmpdir(), 'faultline-etcd-storage-kill-'));
    const losetup = () => spawnSync('losetup', ['-a'], { encoding: 'utf8' }).stdout ?? '';
    const loopsBefore = losetup();
    const child = spawn(process.execPath, ['bin/faultline.js', 'run', '--db', 'etcd', '--workload', 'register', '--quiet', '--out', out, '--nemesis', 'power,disk-full', '--time-limit', '120', '--seed', '2'], { cwd: root, stdio: 'ignore' });
    let gone = false;
    const exited = new Promise((r) => child.once('exit', (c) => ((gone = true), r(c))));
    let dir = '';
    // Wait until a fault is on: lazyfs mounted and used, a disk filled.
    const deadline = Date.now() + 120_000;
    for (;;) {
      expect(Date.now(), 'no storage fault began within 120 s').toBeLessThan(deadline);
      expect(gone, 'the run ended before a storage fault began').toBe(false);
      const testDir = join(out, 'etcd-register');
      const runs = existsSync(testDir) ? readdirSync(testDir).filter((d) => d !== 'latest') : [];
      dir = runs.length ? join(testDir, runs[0]!) : '';
      const h = dir && existsSync(join(dir, 'history.jsonl')) ? readFileSync(join(dir, 'history.jsonl'), 'utf8') : '';
      if (/"type":"info","process":"nemesis","f":"(power-off|fill-disk)"/.test(h)) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    child.kill('SIGKILL');
    await exited;
    const runId = (JSON.parse(readFileSync(join(dir, 'test.json'), 'utf8')) as { runId: string }).runId;
    expect((await leftovers(runId)).filter((l) => l.startsWith('container')).length).toBe(3);
    const swept = execFileSync(process.execPath, ['bin/faultline.js', 'sweep', '--run', runId], { cwd: root }).toString();
    expect(swept).toMatch(/removed 3 container\(s\)/);
    expect(await leftovers(runId)).toEqual([]);
    // lazyfs and the tmpfs lived in the containers' mount namespaces: nothing on the host.
    expect(readFileSync('/proc/self/mountinfo', 'utf8')).not.toMatch(/lazyfs|faultline\/disk/);
    expect(losetup()).toBe(loopsBefore);
  }, 200_000);
});

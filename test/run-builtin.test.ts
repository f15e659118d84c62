// End to end through the real CLI on the built-in targets: the default run and its files, a bug
// caught by the checker, the gossip target with and without its bug, and Ctrl-C mid-run.

import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, readlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { faultline, processesMentioning, readLines, runDirOf, spawnFaultline } from './cli-helpers.js';
import { firstCaught } from './seeds.js';

const out = mkdtempSync(join(tmpdir(), 'fl-run-'));

describe('faultline run on the built-in targets', () => {
  it('the default test (raft, register, partitions and kills) is valid and writes every file', async () => {
    const r = await faultline(['run', '--time-limit', '8', '--seed', '1', '--out', out]);
    expect(r.exitCode, r.stderr + r.stdout).toBe(0);
    expect(r.stdout).toMatch(/VALID/);
    const dir = runDirOf(r.stderr);
    for (const f of ['history.jsonl', 'results.json', 'test.json', 'report.html']) expect(existsSync(join(dir, f)), f).toBe(true);
    for (const n of ['n1', 'n2', 'n3', 'n4', 'n5']) expect(existsSync(join(dir, 'nodes', n, 'node.log')), n).toBe(true);
    expect(readlinkSync(join(out, 'raft-register', 'latest'))).toBe(dir.split('/').pop());
    const test = JSON.parse(readFileSync(join(dir, 'test.json'), 'utf8'));
    expect(test).toMatchObject({ db: 'raft', workload: 'register', seed: 1, nemesis: ['partition', 'kill'] });
    const ops = readLines(join(dir, 'history.jsonl')).map((l) => JSON.parse(l));
    // Faults happened (which ones fit in 8 s depends on the machine's load: a CI run once had
    // time for one partition window and no kill).
    expect(ops.some((o) => o.process === 'nemesis' && (o.f === 'kill' || o.f === 'start-partition'))).toBe(true);
    expect(new Set(ops.filter((o) => typeof o.process === 'number').map((o) => o.node)).size).toBe(5);
    expect(JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')).valid).toBe(true);
    // The stored history is judged the same way again.
    const again = await faultline(['check', join(dir, 'history.jsonl')]);
    expect(again.exitCode, again.stdout + again.stderr).toBe(0);
  });

  it('--bug stale-read under partitions isolating the leader is caught, pointing at a read', async () => {
    const verdicts: number[] = [];
    for (const seed of [1, 2, 3]) {
      const r = await faultline(['run', '--bug', 'stale-read', '--nemesis', 'partition', '--nemesis-option', 'partition=primaries', '--time-limit', '12', '--seed', String(seed), '--out', out, '--quiet']);
      verdicts.push(r.exitCode);
      if (r.exitCode === 1) {
        expect(r.stdout).toMatch(/not linearizable/);
        break;
      }
    }
    expect(verdicts).toContain(1);
    const dir = join(out, 'raft-register', 'latest');
    const results = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));
    expect(results.valid).toBe(false);
    // The witness names the ops that cannot be linearized together; the stale read is among them.
    // (Which of them the search could not place - the read, or a write it contradicts - depends
    // on the history, so the read need not be the first anomaly.)
    const ops = readLines(join(dir, 'history.jsonl')).map((l) => JSON.parse(l));
    const pointed = (results.anomalies as { index: number }[]).map((a) => ops[a.index]);
    expect(pointed.some((o) => o.f === 'read' && o.type === 'ok'), JSON.stringify(results.anomalies)).toBe(true);
  });

  it('the gossip set is valid, and invalid with lost elements named under --bug lose-updates', async () => {
    const ok = await faultline(['run', '--db', 'gossip', '--workload', 'set', '--time-limit', '6', '--seed', '2', '--out', out, '--quiet']);
    expect(ok.exitCode, ok.stdout).toBe(0);
    // A bug switch in a short run is a sample: caught within three seeds (test/seeds.ts).
    const bad = await firstCaught((seed) => faultline(['run', '--db', 'gossip', '--workload', 'set', '--bug', 'lose-updates', '--time-limit', '6', '--seed', String(seed + 1), '--out', out, '--quiet']), (r) => r.exitCode === 1, [1, 2, 3], (r) => `exit ${r.exitCode}: ${r.stdout.slice(-300)}`);
    expect(bad.caught, bad.tried.join('\n')).toBeDefined();
    const results = JSON.parse(readFileSync(join(out, 'gossip-set', 'latest', 'results.json'), 'utf8'));
    const set = results.results.set;
    expect(set.valid).toBe(false);
    expect(JSON.stringify(set)).toMatch(/"lost"/);
  }, 180_000);

  it('Ctrl-C mid-run: no node survives, the history so far is on disk, and check judges it', async () => {
    const child = spawnFaultline(['run', '--time-limit', '60', '--seed', '4', '--out', out]);
    let err = '';
    await new Promise<void>((resolve) => {
      child.stderr!.on('data', (d: Buffer) => {
        err += d.toString();
        if (/workload/.test(err) && /ops \(/.test(err)) resolve();
      });
      setTimeout(resolve, 30_000);
    });
    const dir = runDirOf(err);
    child.kill('SIGINT');
    const r = await child;
    expect(r.exitCode).toBe(255);
    expect(processesMentioning(dir)).toEqual([]);
    const lines = readLines(join(dir, 'history.jsonl'));
    expect(lines.length).toBeGreaterThan(10);
    const check = await faultline(['check', '--model', 'cas-register', join(dir, 'history.jsonl')]);
    expect([0, 1, 2]).toContain(check.exitCode);
    expect(check.stdout).toMatch(/linearizable/);
  });
});

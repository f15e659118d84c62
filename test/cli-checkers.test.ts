// Checker semantics through the real CLI: internal (INT) anomalies explained on the terminal,
// `--availability` for the stats checker (check and run), and one rule for `--time-limit 0`.

import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { faultline } from './cli-helpers.js';
import { writeHistoryJsonl } from '../src/history-io.js';
import type { History, Op } from '../src/history.js';

const dir = mkdtempSync(join(tmpdir(), 'fl-cli-checkers-'));

function jsonl(name: string, ops: Omit<Op, 'index' | 'time'>[]): string {
  const p = join(dir, name);
  const h: History = ops.map((o, index) => ({ ...o, index, time: index * 1_000_000 }) as Op);
  writeHistoryJsonl(p, h);
  return p;
}

/** PostgreSQL read committed: T0 reads key 7 twice while T1 commits two appends in between. */
const nonRepeatable = () => jsonl('int.jsonl', [
  { type: 'invoke', process: 0, f: 'txn', value: [['r', 7, null], ['r', 7, null]] },
  { type: 'invoke', process: 1, f: 'txn', value: [['append', 7, 1], ['append', 7, 2]] },
  { type: 'ok', process: 1, f: 'txn', value: [['append', 7, 1], ['append', 7, 2]] },
  { type: 'ok', process: 0, f: 'txn', value: [['r', 7, null], ['r', 7, [1, 2]]] },
]);

/** Reads that succeed, writes that never do. */
const noWrites = () => jsonl('stats.jsonl', [
  { type: 'invoke', process: 0, f: 'read', value: null }, { type: 'ok', process: 0, f: 'read', value: 1 },
  { type: 'invoke', process: 0, f: 'write', value: 2 }, { type: 'fail', process: 0, f: 'write', value: 2 },
  { type: 'invoke', process: 1, f: 'write', value: 3 }, { type: 'info', process: 1, f: 'write', value: 3 },
]);

describe('checkers through the CLI', () => {
  it('explains an internal anomaly (non-repeatable read) and judges it per consistency model', async () => {
    const f = nonRepeatable();
    const r = await faultline(['check', '--checker', 'list-append', f]);
    expect(r.exitCode, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toMatch(/internal #1:\n\s+T3 read key 7 as nil at micro-op 1, then read it as \[1 2\] at micro-op 2 \(a non-repeatable read\): expected \[\], saw \[1 2\]/);
    const rc = await faultline(['check', '--checker', 'list-append', '--consistency-model', 'read-committed', f]);
    expect(rc.exitCode, rc.stdout).toBe(0);
    expect(rc.stdout).toMatch(/no anomalies ruling out read-committed among 2 transactions \(found G-single ×1, internal ×1, which read-committed allows\)/);
  });

  it('stats: a function that never succeeded is unknown (exit 2); below --availability it is invalid (exit 1)', async () => {
    const f = noWrites();
    const unknown = await faultline(['check', '--checker', 'stats', f]);
    expect(unknown.exitCode, unknown.stdout + unknown.stderr).toBe(2);
    expect(unknown.stdout).toMatch(/never succeeded: write \(2 attempted: 1 fail, 1 info\)/);
    expect(unknown.stdout).toMatch(/3 ops, 1 ok, 1 fail, 1 info/);
    const invalid = await faultline(['check', '--checker', 'stats', '--availability', '0.5', f]);
    expect(invalid.exitCode).toBe(1);
    expect(invalid.stdout).toMatch(/availability 0.3333 \(1 ok of 3 client ops\) is below the required 0.5/);
    const bad = await faultline(['check', '--checker', 'stats', '--availability', '1.5', f]);
    expect(bad.exitCode).toBe(254);
    expect(bad.stderr).toMatch(/--availability: expected a fraction of ok client ops between 0 and 1/);
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  });

  it('--time-limit 0 is refused the same way for every checker (exit 254, no stack)', async () => {
    const reg = jsonl('reg.jsonl', [{ type: 'invoke', process: 0, f: 'write', value: 1 }, { type: 'ok', process: 0, f: 'write', value: 1 }]);
    for (const args of [['--model', 'cas-register', reg], ['--checker', 'sequential', reg], ['--checker', 'list-append', nonRepeatable()], ['--checker', 'rw-register', nonRepeatable()]]) {
      const r = await faultline(['check', '--time-limit', '0', ...args]);
      expect(r.exitCode, args.join(' ')).toBe(254);
      expect(r.stderr).toMatch(/--time-limit: expected a positive number of seconds, got '0' \(0 leaves nothing to check with; leave --time-limit out for the default budget\)/);
    }
    const opt = await faultline(['check', '--model', 'cas-register', '--opt', 'timeLimitMs=0', reg]);
    expect(opt.exitCode).toBe(254);
    expect(opt.stderr).toMatch(/positive number of milliseconds, got '0'/);
  });

  it('run --availability is checked before anything starts, and recorded for the stats checker', async () => {
    const bad = await faultline(['run', '--availability', 'most']);
    expect(bad.exitCode).toBe(254);
    expect(bad.stderr).toMatch(/--availability: expected a fraction/);
    const out = join(dir, 'results');
    // One node, no faults: the shortest real run (a loaded machine starts five nodes slowly).
    const r = await faultline(['run', '--time-limit', '2', '--nodes', '1', '--nemesis', 'none', '--availability', '0.01', '--seed', '1', '--out', out, '--quiet']);
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    const run = /\((\S+)\/report\.html\)/.exec(r.stdout)![1]!;
    expect(JSON.parse(readFileSync(join(run, 'test.json'), 'utf8')).availability).toBe(0.01);
    const stats = JSON.parse(readFileSync(join(run, 'results.json'), 'utf8')).results.stats;
    expect(stats.availability).toBe(0.01);
    expect(stats.okFraction).toBeGreaterThan(0.01);
  }, 90_000);
});

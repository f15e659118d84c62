// Bad input through the real CLI: one clear message naming the problem and the place, exit 254;
// and checker budgets given on the command line.

import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { faultline } from './cli-helpers.js';
import { writeHistoryJsonl } from '../src/history-io.js';
import { simulateRegister } from '../checkers/linearizable/sim-register.js';

const dir = mkdtempSync(join(tmpdir(), 'fl-cli-'));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const inv = '{"type":"invoke","process":0,"f":"read","value":null}';

describe('CLI bad input', () => {
  it('an unknown option', async () => {
    const r = await faultline(['run', '--nodez', '3']);
    expect(r.exitCode).toBe(254);
    expect(r.stderr).toMatch(/unknown option '--nodez'/);
  });

  it('a bad option value or unknown plugin', async () => {
    for (const [args, re] of [
      [['run', '--nodes', 'five'], /--nodes: expected a non-negative integer, got 'five'/],
      [['run', '--db', 'nosuchdb'], /--db: unknown db 'nosuchdb'/],
      [['run', '--workload', 'nosuch'], /--workload: unknown workload 'nosuch'/],
      [['run', '--bug', 'nosuch'], /--bug: db raft has no bug 'nosuch'/],
      [['check', '--checker', 'nosuch', file('ok.jsonl', inv + '\n')], /--checker: unknown checker 'nosuch'/],
    ] as const) {
      const r = await faultline([...args]);
      expect(r.exitCode, args.join(' ')).toBe(254);
      expect(r.stderr).toMatch(re);
    }
  });

  it('a missing file', async () => {
    const r = await faultline(['check', '--model', 'register', join(dir, 'nope.jsonl')]);
    expect(r.exitCode).toBe(254);
    expect(r.stderr).toMatch(/nope\.jsonl: no such file/);
  });

  it('malformed JSON and EDN lines name the file and line', async () => {
    const j = await faultline(['check', '--model', 'register', file('bad.jsonl', `${inv}\n{"type":"ok",\n`)]);
    expect(j.exitCode).toBe(254);
    expect(j.stderr).toMatch(/bad\.jsonl:2: malformed JSON/);
    const e = await faultline(['check', '--model', 'register', file('bad.edn', '{:type :invoke, :process 0, :f :read, :value nil}\n{:type :ok :process 0, :f :read, :value [1 2}\n')]);
    expect(e.exitCode).toBe(254);
    expect(e.stderr).toMatch(/bad\.edn:2: malformed EDN/);
    const t = await faultline(['check', '--model', 'register', file('type.jsonl', '{"type":"done","process":0,"f":"read"}\n')]);
    expect(t.exitCode).toBe(254);
    expect(t.stderr).toMatch(/type\.jsonl:1: unknown op type "done"/);
  });
});

describe('CLI checker budgets', () => {
  it('a fraction of a second is a budget (unknown, exit 2); a negative one is refused (exit 254)', async () => {
    const h = simulateRegister({ ops: 4000, processes: 20, seed: 7 });
    const p = join(dir, 'big.jsonl');
    writeHistoryJsonl(p, h);
    const r = await faultline(['check', '--model', 'cas-register', '--time-limit', '0.001', p]);
    expect(r.exitCode, r.stdout + r.stderr).toBe(2);
    expect(r.stdout).toMatch(/time limit of 1 ms exhausted/);
    const bad = await faultline(['check', '--model', 'cas-register', '--time-limit', '-1', p]);
    expect(bad.exitCode).toBe(254);
    expect(bad.stderr).toMatch(/--time-limit: expected a positive number of seconds, got '-1'/);
  });
});

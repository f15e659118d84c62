// Maelstrom's echo, unique-ids, lin-kv and txn workloads against small Python node programs
// (test/fixtures/maelstrom/), run through `faultline run --bin` under partitions: each correct
// program is judged valid and each deliberately broken one invalid, as Maelstrom would judge them.
// kv.py also exercises the services: it keeps its data in lin-kv (correct) or lww-kv / seq-kv
// (stale reads and lost cas races: broken). datomic.py is the transactor of Maelstrom's Datomic
// tutorial: the root in lin-kv, immutable thunks in lww-kv.
import { fileURLToPath } from 'node:url';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import '../app/builtins.js';
import { runTest, type RunOutcome } from '../src/run.js';

const prog = (name: string): string => fileURLToPath(new URL(`./fixtures/maelstrom/${name}`, import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'faultline-maelstrom-workloads-'));

function run(bin: string, workload: string, o: { bug?: string; args?: string; seed?: number } = {}): Promise<RunOutcome> {
  return runTest({
    bin: prog(bin), workload, bug: o.bug, nemesis: ['partition'], nemesisIntervalS: 1, timeLimitS: 4, rate: 100, seed: o.seed ?? 1, out, quiet: true,
    dbOptions: { 'timeout-ms': '500', ...(o.args ? { args: o.args } : {}) },
  });
}

const part = (o: RunOutcome, name: string): Record<string, unknown> => (o.results.results?.[name] ?? {}) as Record<string, unknown>;

describe('Maelstrom workloads on --bin Python programs', () => {
  it('echo: a correct node is valid, one that alters some echoes is invalid', async () => {
    const good = await run('echo.py', 'echo');
    expect(good.valid).toBe(true);
    expect(part(good, 'echo').acknowledged).toBeGreaterThan(50);
    const bad = await run('echo.py', 'echo', { bug: 'wrong-echo' });
    expect(bad.valid).toBe(false);
    expect(part(bad, 'echo').wrong).toBeGreaterThan(0);
  }, 60_000);

  it('unique-ids: node-prefixed ids are valid, a bare per-node counter is invalid', async () => {
    expect((await run('echo.py', 'unique-ids')).valid).toBe(true);
    expect((await run('echo.py', 'unique-ids', { bug: 'dup-ids' })).valid).toBe(false);
  }, 60_000);

  it('lin-kv: proxying to the lin-kv service is linearizable, to lww-kv it is not', async () => {
    const good = await run('kv.py', 'lin-kv', { args: 'lin-kv' });
    expect(good.valid).toBe(true);
    expect(good.test.workload).toBe('lin-kv');
    expect((await run('kv.py', 'lin-kv', { args: 'lww-kv' })).valid).toBe(false);
  }, 60_000);

  it('txn-list-append: a Datomic-style transactor over lin-kv is strict-serializable, over lww-kv it is not', async () => {
    const good = await run('kv.py', 'txn-list-append', { args: 'lin-kv' });
    expect(good.valid).toBe(true);
    expect(part(good, 'list-append').valid).toBe(true);
    const bad = await run('kv.py', 'txn-list-append', { args: 'lww-kv' });
    expect(bad.valid).toBe(false);
    expect(part(bad, 'list-append').valid).toBe(false);
  }, 60_000);

  it("txn-list-append: the tutorial's transactor with immutable thunks in lww-kv and the root in lin-kv is strict-serializable if a missing thunk is read again, not if it is taken as empty", async () => {
    const good = await run('datomic.py', 'txn-list-append');
    expect(good.valid).toBe(true);
    expect(part(good, 'list-append').valid).toBe(true);
    const bad = await run('datomic.py', 'txn-list-append', { bug: 'no-thunk-retry' });
    expect(bad.valid).toBe(false);
    expect(part(bad, 'list-append').valid).toBe(false);
  }, 60_000);

  it('txn-rw-register: the same transactor, judged by the rw-register checker', async () => {
    expect((await run('kv.py', 'txn-rw-register', { args: 'lin-kv' })).valid).toBe(true);
    expect((await run('kv.py', 'txn-rw-register', { args: 'lww-kv' })).valid).toBe(false);
  }, 60_000);
});

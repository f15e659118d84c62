// Maelstrom's echo, unique-ids, lin-kv and txn workloads against small Python node programs
// (test/fixtures/maelstrom/), run through `faultline run --bin` under partitions: each correct
// program is judged valid and each deliberately broken one invalid within three seeds (test/seeds.ts), as
// Maelstrom would judge them.
// kv.py also exercises the services: it keeps its data in lin-kv (correct) or lww-kv / seq-kv
// (stale reads and lost cas races: broken). datomic.py is the transactor of Maelstrom's Datomic
// tutorial: the root in lin-kv, immutable thunks in lww-kv.
import { fileURLToPath } from 'node:url';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import '../app/builtins.js';
import { runTest, type RunOutcome } from '../src/run.js';
import { caughtInvalid } from './seeds.js';

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
    const bad = await caughtInvalid((seed) => run('echo.py', 'echo', { bug: 'wrong-echo', seed }));
    expect(part(bad, 'echo').wrong).toBeGreaterThan(0);
  }, 150_000);

  it('unique-ids: node-prefixed ids are valid, a bare per-node counter is invalid', async () => {
    expect((await run('echo.py', 'unique-ids')).valid).toBe(true);
    await caughtInvalid((seed) => run('echo.py', 'unique-ids', { bug: 'dup-ids', seed }));
  }, 150_000);

  it('lin-kv: proxying to the lin-kv service is linearizable, to lww-kv it is not', async () => {
    const good = await run('kv.py', 'lin-kv', { args: 'lin-kv' });
    expect(good.valid).toBe(true);
    expect(good.test.workload).toBe('lin-kv');
    await caughtInvalid((seed) => run('kv.py', 'lin-kv', { args: 'lww-kv', seed }));
  }, 150_000);

  it('txn-list-append: a Datomic-style transactor over lin-kv is strict-serializable, over lww-kv it is not', async () => {
    const good = await run('kv.py', 'txn-list-append', { args: 'lin-kv' });
    expect(good.valid).toBe(true);
    expect(part(good, 'list-append').valid).toBe(true);
    await caughtInvalid((seed) => run('kv.py', 'txn-list-append', { args: 'lww-kv', seed }), 'list-append');
  }, 150_000);

  it('partition-services: a node cut off from the node lin-kv stands beside cannot reach lin-kv (timeouts, no wrong answers)', async () => {
    const dropped = (o: RunOutcome): number => {
      const r = JSON.parse(readFileSync(join(o.dir, 'results.json'), 'utf8')) as { net: { groups: { services: { dropped: number } } } };
      return r.net.groups.services.dropped;
    };
    const apart = await runTest({
      bin: prog('kv.py'), workload: 'lin-kv', nemesis: ['partition'], nemesisIntervalS: 1, timeLimitS: 4, rate: 100, seed: 1, out, quiet: true,
      nemesisOptions: { partition: 'halves+one' }, // shapes that always cut some node off from n1
      dbOptions: { 'timeout-ms': '500', args: 'lin-kv', 'partition-services': 'true' },
    });
    expect(apart.valid).toBe(true);
    expect(dropped(apart)).toBeGreaterThan(0);
    // By default (as in Maelstrom) services stay reachable whatever the partition.
    expect(dropped(await run('kv.py', 'lin-kv', { args: 'lin-kv' }))).toBe(0);
  }, 150_000);

  it("txn-list-append: the tutorial's transactor with immutable thunks in lww-kv and the root in lin-kv is strict-serializable if a missing thunk is read again, not if it is taken as empty", async () => {
    const good = await run('datomic.py', 'txn-list-append');
    expect(good.valid).toBe(true);
    expect(part(good, 'list-append').valid).toBe(true);
    await caughtInvalid((seed) => run('datomic.py', 'txn-list-append', { bug: 'no-thunk-retry', seed }), 'list-append');
  }, 150_000);

  it('txn-rw-register: the same transactor, judged by the rw-register checker', async () => {
    expect((await run('kv.py', 'txn-rw-register', { args: 'lin-kv' })).valid).toBe(true);
    await caughtInvalid((seed) => run('kv.py', 'txn-rw-register', { args: 'lww-kv', seed }));
  }, 150_000);
});

// `faultline run --db postgres` end to end against Debian's PostgreSQL 15 in Docker: each
// isolation level's documented behaviour (serializable allows nothing, and is the model checked
// by default at that level; repeatable read is snapshot isolation, which allows G2-item: one
// contended run is invalid judged as serializable, and its history valid as snapshot isolation),
// stale reads on a streaming replica cut off from its primary, and two-phase commit across two
// servers (postgres-2pc): valid through coordinator crashes, invalid with the forget-participant
// bug. Nothing is left in Docker after a run, nor after a SIGKILLed run and `faultline sweep`.
// Seed sweeps of the same configurations: bench/sql-seeds.ts.
import { beforeAll, describe, expect, it } from 'vitest';
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { leftovers, prepareDocker, fakeTest, testRunId } from './docker-helpers.js';
import { faultline, processesMentioning, runDirOf } from './cli-helpers.js';
import { root, runCli } from './sql-helpers.js';
import { createDb } from '../src/plugin/plan.js';
import type { ContainerDb } from '../src/docker/container-db.js';
import '../app/builtins.js';
import { getChecker } from '../checkers/index.js';
import type { Op } from '../src/history.js';

beforeAll(prepareDocker);

const LA = ['--db', 'postgres', '--workload', 'list-append', '--nemesis', 'none', '--time-limit', '12', '--seed', '1'];

describe('postgres isolation levels (list-append)', () => {
  it('serializable: valid against serializable, nothing left behind', async () => {
    const r = await runCli([...LA, '--db-option', 'isolation=serializable']);
    expect(r.code, r.out).toBe(0);
    expect(r.results.results['list-append']).toMatchObject({ valid: true, consistencyModel: 'serializable' });
    // Serialization failures happen under this contention and are definite failures, never info.
    const errors = r.history.filter((o) => o.type === 'fail').map((o) => String(o.error));
    expect(errors.some((e) => /serialization-failure \(40001\)/.test(e))).toBe(true);
    expect(r.history.filter((o) => o.type === 'info')).toEqual([]);
    expect(existsSync(join(r.dir, 'nodes', 'n1', 'n1.log'))).toBe(true);
    expect(await leftovers(r.runId)).toEqual([]);
  }, 420_000);

  it('repeatable read: invalid judged as serializable (G2-item named, its cycle explained in the report), valid as snapshot isolation', async () => {
    // Contention raises the odds of write skew in a short run: few keys, more clients.
    const r = await runCli([...LA, '--db-option', 'isolation=repeatable-read', '--workload-option', 'consistency-model=serializable', '--workload-option', 'key-count=5', '--concurrency', '8', '--time-limit', '15']);
    expect(r.code, r.out).toBe(1);
    const la = r.results.results['list-append']!;
    expect(la.anomalyTypes).toContain('G2-item');
    // Nothing snapshot isolation forbids: the level keeps its promise.
    expect(la.possible).toContain('snapshot-isolation');
    expect(r.out).toMatch(/serializable is violated: .*G2-item/);
    const html = readFileSync(join(r.dir, 'report.html'), 'utf8');
    expect(html).toContain('class="cycle"');
    expect(html).toMatch(/G2-item<\/span> \d+ found/);
    expect(html).toMatch(/<span class="kind">rw<\/span>/);
    // The same history against snapshot isolation, the model the level promises: valid.
    const si = await faultline(['check', '--checker', 'list-append', '--consistency-model', 'snapshot-isolation', join(r.dir, 'history.jsonl')]);
    expect(si.exitCode, si.stdout + si.stderr).toBe(0);
  }, 420_000);
});

describe('postgres streaming replica', () => {
  it('a replica cut off from its primary serves stale reads: the register history is not linearizable', async () => {
    // What `--db-option replicas=1 --workload register --nemesis partition` finds in most seeds
    // (bench/sql-seeds.ts pg-replica-register), made deterministic.
    const pg = createDb<ContainerDb<unknown>>('postgres', { dbOptions: { replicas: '1' } });
    const db = pg.db;
    const test = fakeTest(db, pg.nodes, testRunId('pg-replica'));
    await db.setup(test);
    try {
      const proto = pg.client('register', test);
      const primary = await proto.open(test, 'n1');
      const replica = await proto.open(test, 'n2');
      await primary.setup!(test);
      const h: Op[] = [];
      const step = async (c: typeof primary, process: number, f: string, value: unknown) => {
        h.push({ index: h.length, time: h.length * 1e6, type: 'invoke', process, f, value });
        const r = await c.invoke(test, h[h.length - 1]!);
        h.push({ index: h.length, time: h.length * 1e6, type: r.type, process, f, value: r.value ?? value });
        return r;
      };
      expect((await step(primary, 0, 'write', [1, 1])).type).toBe('ok');
      // Let the replica catch up, then cut it off and write again through the primary.
      for (let i = 0; i < 50 && (await step(replica, 1, 'read', [1, null])).value?.toString() !== '1,1'; i++) await new Promise((r) => setTimeout(r, 200));
      await db.net.partition(test, { n2: ['n1'], n1: ['n2'] });
      expect((await step(primary, 0, 'write', [1, 2])).type).toBe('ok');
      const stale = await step(replica, 1, 'read', [1, null]);
      expect(stale).toEqual({ type: 'ok', value: [1, 1] });
      const lin = getChecker('linearizable')!.create({ model: 'cas-register' });
      expect((await lin.check(h, {})).valid).toBe(false);
      await primary.close?.(test);
      await replica.close?.(test);
    } finally {
      await db.teardown(test);
    }
    expect(await leftovers(test.runId)).toEqual([]);
  }, 300_000);
});

describe('postgres bank-2pc (two-phase commit over two servers)', () => {
  const B = ['--db', 'postgres-2pc', '--workload', 'bank-2pc', '--nemesis', 'coordinator-crash', '--nemesis-interval', '3', '--time-limit', '18', '--seed', '1'];

  it('coordinator crashes between prepare and commit: valid, in-doubt transactions resolved from the log and shown', async () => {
    const r = await runCli(B);
    expect(r.code, r.out).toBe(0);
    const tp = r.results.results['two-phase'] as unknown as { crashes: Array<{ how: string }>; inDoubt: Array<{ branches: unknown[] }> };
    expect(tp.crashes.some((c) => c.how === 'crashed at the point')).toBe(true);
    expect(tp.inDoubt.length).toBeGreaterThan(0);
    expect(r.results.results.bank).toMatchObject({ valid: true, total: 80 });
    const html = readFileSync(join(r.dir, 'report.html'), 'utf8');
    expect(html).toContain('Coordinator crashes');
    expect(html).toMatch(/In-doubt transactions \(\d+\)/);
    // The coordinator's log and output are kept with the run.
    expect(readFileSync(join(r.dir, 'nodes', 'coordinator', 'coordinator-log.jsonl'), 'utf8')).toMatch(/"t":"commit"/);
    expect(await leftovers(r.runId)).toEqual([]);
    expect(processesMentioning(r.dir)).toEqual([]);
  }, 420_000);

  it('--bug forget-participant: the bank checker sees the total change, the two-phase checker the split', async () => {
    const r = await runCli([...B, '--bug', 'forget-participant']);
    expect(r.code, r.out).toBe(1);
    expect(r.results.results.bank!.valid).toBe(false);
    expect(r.results.results.bank!.errorTypes).toHaveProperty('wrong-total');
    expect(r.results.results['two-phase']!.valid).toBe(false);
    expect(r.out).toMatch(/the logged commit decision does not name n2/);
  }, 420_000);

  it('a SIGKILLed run leaves its containers (and no coordinator); faultline sweep removes them', async () => {
    const results = mkdtempSync(join(tmpdir(), 'faultline-sql-kill-'));
    const child = spawn(process.execPath, ['bin/faultline.js', 'run', '--db', 'postgres-2pc', '--workload', 'bank-2pc', '--nemesis', 'none', '--time-limit', '120', '--out', results], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    await new Promise<void>((resolve, reject) => {
      const onData = (b: Buffer) => {
        out += b.toString();
        if (/\] workload/.test(out)) resolve();
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.on('exit', (c) => reject(new Error(`run exited (${c}) before its workload: ${out}`)));
    });
    const dir = runDirOf(out);
    const runId = (JSON.parse(readFileSync(join(dir, 'test.json'), 'utf8')) as { runId: string }).runId;
    expect(processesMentioning(dir).length).toBe(2); // the coordinator and its spare (their configuration names the run directory)
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    // The coordinator notices its parent is gone (the IPC channel closes) and exits.
    for (let i = 0; i < 50 && processesMentioning(dir).length; i++) await new Promise((r) => setTimeout(r, 100));
    expect(processesMentioning(dir)).toEqual([]);
    expect((await leftovers(runId)).length).toBe(5); // 2 containers, 2 volumes, 1 network
    execFileSync(process.execPath, ['bin/faultline.js', 'sweep', '--run', runId], { cwd: root });
    expect(await leftovers(runId)).toEqual([]);
  }, 300_000);
});

// `--bin`: an external Maelstrom node written in Python (test/fixtures/primary-kv.py) run as the
// `maelstrom` db: lin-kv and g-set through a non-primary node (so node-to-node messages go
// through the router), errors mapped definite/indefinite, and no process left behind.
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { FaultlineError } from '../src/errors.js';
import { readHistoryFile } from '../src/history-io.js';
import { createDb } from '../src/plugin/plan.js';
import '../app/builtins.js';
import type { MaelstromDb } from '../src/maelstrom/db.js';
import type { Test } from '../src/protocols.js';
import { alive, invokeOnce, startDb } from './maelstrom-helpers.js';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { minimalTest, nodeNames } from '../src/maelstrom/test-kit.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTest } from '../src/run.js';

const PY = fileURLToPath(new URL('./fixtures/primary-kv.py', import.meta.url));
let running: { db: MaelstromDb; test: Test } | undefined;
afterEach(async () => {
  await running?.db.teardown(running.test);
  running = undefined;
});

describe('maelstrom db (--bin)', () => {
  it('tests a Python node program', async () => {
    running = await startDb('maelstrom', 3, { bin: PY, dbOptions: { 'timeout-ms': '500' } });
    const { db, test } = running;
    const pids = [...db.cluster!.spawnedPids];
    expect(await invokeOnce(db, test, 'register', 'n2', 'read', [7, null])).toEqual({ type: 'ok', value: [7, null] });
    expect(await invokeOnce(db, test, 'register', 'n2', 'write', [7, 1])).toEqual({ type: 'ok', value: [7, 1] });
    expect(await invokeOnce(db, test, 'register', 'n3', 'cas', [7, [1, 2]])).toEqual({ type: 'ok', value: [7, [1, 2]] });
    expect(await invokeOnce(db, test, 'register', 'n3', 'cas', [7, [1, 3]])).toMatchObject({ type: 'fail', error: { code: 22, name: 'precondition-failed' } });
    expect(await invokeOnce(db, test, 'register', 'n1', 'read', [7, null])).toEqual({ type: 'ok', value: [7, 2] });
    for (const e of [5, 3, 9]) expect((await invokeOnce(db, test, 'set', 'n2', 'add', e)).type).toBe('ok');
    expect(await invokeOnce(db, test, 'set', 'n3', 'read', null)).toEqual({ type: 'ok', value: [3, 5, 9] });
    // The primary is cut off: a forwarded write may or may not happen, so it is info, not fail.
    await db.net!.partition(test, { n1: ['n2', 'n3'], n2: ['n1'], n3: ['n1'] });
    expect(await invokeOnce(db, test, 'register', 'n2', 'write', [7, 4])).toMatchObject({ type: 'info', error: { name: 'timeout' } });
    await db.teardown(test);
    running = undefined;
    expect(pids.filter(alive)).toEqual([]);
  });

  it('faultline run --bin: a whole register test under partitions is judged linearizable', async () => {
    const out = mkdtempSync(join(tmpdir(), 'faultline-bin-run-'));
    const o = await runTest({ bin: PY, workload: 'register', nemesis: ['partition'], nemesisIntervalS: 1, timeLimitS: 5, seed: 3, out, quiet: true, dbOptions: { 'timeout-ms': '300' } });
    expect(o.test.db).toBe('maelstrom');
    expect(o.valid).toBe(true);
    const ops = readHistoryFile(join(o.dir, 'history.jsonl'));
    expect(ops.filter((op) => op.type === 'ok' && typeof op.process === 'number').length).toBeGreaterThan(50);
  });

  it('a program that dies before init fails setup with its log, and teardown does not hang', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'faultline-bad-bin-'));
    const bad = join(dir, 'bad-node');
    writeFileSync(bad, '#!/bin/sh\necho "no such database" >&2\nexit 3\n');
    chmodSync(bad, 0o755);
    const db = createDb<MaelstromDb>('maelstrom', { nodes: 2, bin: bad }).db;
    const test = minimalTest(db, { nodes: nodeNames(2), quiet: true });
    await expect(db.setup(test)).rejects.toThrow(/exited before answering init[\s\S]*no such database/);
    await db.teardown(test);
  });

  it('rejects a missing program with a clear error naming --bin', () => {
    expect(() => createDb('maelstrom', { nodes: 1, bin: '/nonexistent/node.py' })).toThrow(FaultlineError);
    expect(() => createDb('maelstrom', { nodes: 1, bin: '/nonexistent/node.py' })).toThrow(/--bin: program not found/);
  });
});

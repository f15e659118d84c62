// Integration test of lazyfs, the FUSE file system behind the power-failure fault
// (docker/common/lazyfs): built from source, mounted on a temporary directory, driven by its test
// program (writes, fsyncs some files and directories and not others, powers off, reads what
// survived), compared with the expected trees; then crash safety (a SIGKILLed writer, a
// SIGKILLed daemon, remounts); then the same scenario inside a container built by the
// multi-stage recipe. Skips when /dev/fuse is absent; every mount is removed even on failure.

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, existsSync, linkSync, lstatSync, mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync, spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectedTrees } from './fixtures/lazyfs-expected.js';
import {
  buildLazyfs, check, ctl, fuseUnavailable, fuzz, mounted, mountLazyfs, PYTHON, startWriter, status, unmount, unmountAll, waitFor,
} from './lazyfs-helpers.js';
import { buildLazyfsTestImage, runScenarioInContainer } from './lazyfs-docker.js';

const unavailable = fuseUnavailable();
if (unavailable) console.warn(`lazyfs tests skipped: ${unavailable}`);

describe.skipIf(unavailable !== undefined)('lazyfs', () => {
  let work = '';
  let bin = '';
  let n = 0;
  const fresh = (): { store: string; mnt: string } => {
    const d = join(work, `m${n++}`);
    mkdirSync(join(d, 'store'), { recursive: true });
    mkdirSync(join(d, 'mnt'));
    return { store: join(d, 'store'), mnt: join(d, 'mnt') };
  };

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'faultline-lazyfs-'));
    bin = buildLazyfs(join(work, 'build'));
  });
  afterEach(unmountAll);
  afterAll(async () => {
    await unmountAll();
    const left = readFileSync('/proc/self/mounts', 'utf8').split('\n').filter((l) => work && l.includes(work));
    if (work) rmSync(work, { recursive: true, force: true });
    expect(left, 'mounts left behind').toEqual([]);
  });

  it('keeps exactly what was fsynced (files, and names in fsynced directories) across a power failure', async () => {
    const { store, mnt } = fresh();
    await mountLazyfs(bin, store, mnt);
    const out = JSON.parse(check('scenario', mnt)) as {
      before: Record<string, string>;
      after: Record<string, string>;
      status_baseline: Record<string, string>;
      status_before: Record<string, string>;
      status_after: Record<string, string>;
    };
    const want = expectedTrees();
    expect(out.before).toEqual(want.before);
    expect(out.after).toEqual(want.after);
    // The baseline was fully synced; the changes left work to undo; the power failure did all of it.
    expect(Number(out.status_baseline.unsynced_files)).toBe(0);
    expect(Number(out.status_baseline.pending_namespace_ops)).toBe(0);
    expect(Number(out.status_before.unsynced_files)).toBeGreaterThan(0);
    expect(Number(out.status_before.pending_namespace_ops)).toBeGreaterThan(0);
    expect(out.status_after).toMatchObject({ power_failures: '1', unsynced_files: '0', saved_bytes: '0', pending_namespace_ops: '0', undo_errors: '0' });
    // Nothing of the undo machinery shows: no control file in listings, no trash left.
    expect(readdirSync(mnt)).toEqual(['t']);
    expect(readdirSync(join(store, 'trash'))).toEqual([]);
    expect(() => ctl(mnt, 'no-such-command')).toThrow(/EINVAL|invalid argument/i);
  });

  it('random operations and power failures agree with a model of the semantics (seed 1)', async () => {
    const { store, mnt } = fresh();
    await mountLazyfs(bin, store, mnt);
    // Seed sweeps: npm run bench:lazyfs -- --fuzz-seeds 1-20
    const r = fuzz(mnt, 1, 600);
    expect(r.ok).toBe(true);
    expect(r.power_failures).toBeGreaterThan(10);
    expect(r.forced_by_dependency, 'the run must exercise the dependency rule').toBeGreaterThan(0);
    expect(r.status.undo_errors).toBe('0');
  });

  it('checkpoint makes everything durable; a later power failure loses only what came after', async () => {
    const { store, mnt } = fresh();
    await mountLazyfs(bin, store, mnt);
    writeFileSync(join(mnt, 'a'), 'one'); // neither the file nor the root directory is synced
    ctl(mnt, 'checkpoint');
    expect(status(mnt)).toMatchObject({ checkpoints: 1, unsynced_files: 0, pending_namespace_ops: 0 });
    writeFileSync(join(mnt, 'a'), 'two');
    writeFileSync(join(mnt, 'b'), 'new');
    ctl(mnt, 'power-fail');
    expect(readdirSync(mnt)).toEqual(['a']);
    expect(readFileSync(join(mnt, 'a'), 'utf8')).toBe('one');
  });

  it.skipIf(process.getuid?.() !== 0)('new entries belong to the user who made them; a hard link keeps its file\'s owner', async () => {
    const { store, mnt } = fresh();
    await mountLazyfs(bin, store, mnt);
    mkdirSync(join(mnt, 'shared'), { mode: 0o777 });
    chmodSync(join(mnt, 'shared'), 0o777);
    const asNobody = (cmd: string): void => {
      execFileSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'sh', '-c', cmd], { cwd: join(mnt, 'shared'), stdio: 'pipe' });
    };
    asNobody('echo x > f && mkdir d && ln -s f s');
    for (const name of ['f', 'd', 's']) expect(lstatSync(join(mnt, 'shared', name)).uid, name).toBe(65534);
    linkSync(join(mnt, 'shared', 'f'), join(mnt, 'shared', 'g')); // by root
    expect(lstatSync(join(mnt, 'shared', 'f')).uid).toBe(65534);
    expect(() => asNobody('echo y > /dev/null; : > ../not-yours')).toThrow(); // the mount root is root's, 0755
  });

  it('a writer SIGKILLed mid-stream, then a power failure: exactly its fsynced prefix survives, also after a remount', async () => {
    const { store, mnt } = fresh();
    let m = await mountLazyfs(bin, store, mnt);
    const w = startWriter(join(mnt, 'w'));
    try {
      await waitFor('the writer to sync 300 records', () => w.synced() >= 300, 30_000);
    } finally {
      w.proc.kill('SIGKILL');
      await w.exited;
    }
    const reported = w.synced();
    ctl(mnt, 'power-fail');
    const after = JSON.parse(check('verify', join(mnt, 'w'))) as { records: number; counter: number; problems: string[] };
    expect(after.problems).toEqual([]);
    // The log is fsynced before the counter, the counter before the report; one batch of 10 may
    // be synced but not yet reported when the kill lands, and no unsynced record may survive.
    expect(after.records % 10).toBe(0);
    expect(after.records).toBeGreaterThanOrEqual(reported);
    expect(after.records).toBeLessThanOrEqual(reported + 10);
    expect(after.counter).toBeGreaterThanOrEqual(reported);
    expect(after.records - after.counter).toBeGreaterThanOrEqual(0);
    expect(after.records - after.counter).toBeLessThanOrEqual(10);
    await unmount(m);
    expect(mounted(mnt)).toBe(false);
    m = await mountLazyfs(bin, store, mnt);
    expect(JSON.parse(check('verify', join(mnt, 'w')))).toEqual(after);
    expect(status(mnt)).toMatchObject({ power_failures: 0, unsynced_files: 0, pending_namespace_ops: 0 });
  });

  it('the daemon SIGKILLed: the mount goes away, the store keeps the latest state, a remount works', async () => {
    const { store, mnt } = fresh();
    const m = await mountLazyfs(bin, store, mnt);
    writeFileSync(join(mnt, 'kept'), 'durable');
    ctl(mnt, 'checkpoint');
    writeFileSync(join(mnt, 'unsynced'), 'latest');
    rmSync(join(mnt, 'kept')); // a pending unlink: its file waits in the trash for undo
    expect(readdirSync(join(store, 'trash'))).toHaveLength(1);
    m.proc.kill('SIGKILL');
    await m.exited;
    await waitFor('auto_unmount to remove the dead mount', () => !mounted(mnt), 10_000);
    // The undo state lived only in the daemon: what the store holds is now the durable state.
    await mountLazyfs(bin, store, mnt);
    expect(readdirSync(mnt)).toEqual(['unsynced']);
    expect(readFileSync(join(mnt, 'unsynced'), 'utf8')).toBe('latest');
    expect(readdirSync(join(store, 'trash'))).toEqual([]);
  });

  it('with --die-with-parent, killing the process that started lazyfs removes the mount', async () => {
    const { store, mnt } = fresh();
    // A shell stands in for faultline: lazyfs is its child, the shell gets SIGKILLed.
    const sh = spawn('sh', ['-c', '"$0" -f --die-with-parent "$1" "$2" 2>/dev/null & wait', bin, store, mnt], { stdio: 'ignore' });
    try {
      await waitFor('lazyfs to mount', () => existsSync(join(mnt, '.lazyfs-ctl')));
      sh.kill('SIGKILL');
      await waitFor('the orphaned lazyfs to unmount', () => !mounted(mnt), 10_000);
    } finally {
      sh.kill('SIGKILL');
      try {
        execFileSync('fusermount3', ['-u', '-z', mnt], { stdio: 'pipe' });
      } catch {
        // not mounted: the expected case
      }
    }
  });

  it('a real database: SQLite keeps exactly what its documentation promises for each journal mode and sync setting', async () => {
    const { store, mnt } = fresh();
    await mountLazyfs(bin, store, mnt);
    const r = JSON.parse(check('sqlite', mnt)) as Record<string, { exists: boolean; integrity: string | null; rows: number | null }>;
    // Never corrupt: every database that exists passes its integrity check.
    for (const [k, v] of Object.entries(r)) if (v.exists) expect(v.integrity, k).toBe('ok');
    // https://www.sqlite.org/pragma.html#pragma_synchronous: in DELETE mode a commit is the
    // journal's unlink; only EXTRA syncs "the directory containing a rollback journal ... after
    // that journal is unlinked", which "provides additional durability if the commit is followed
    // closely by a power loss". With FULL the last commit, not yet durable, rolls back.
    expect(r['delete-full']!.rows).toBe(49);
    expect(r['delete-extra']!.rows).toBe(50);
    // WAL with FULL syncs the WAL at each commit; TRUNCATE syncs the journal's truncation.
    expect(r['wal-full']!.rows).toBe(50);
    expect(r['truncate-full']!.rows).toBe(50);
    // WAL with NORMAL syncs only at checkpoints: commits "might roll back following a power
    // loss"; with no checkpoint yet, all of them (the table's creation included) do.
    expect(r['wal-normal']!.rows ?? 0).toBeLessThan(50);
  });

  it('never blocks on a stderr nobody reads: it drops log lines instead (was a deadlock)', async () => {
    const { store, mnt } = fresh();
    await mountLazyfs(bin, store, mnt, [], { undrainedStderr: true });
    // Each power failure logs a line; 3000 of them overflow any pipe. Before the fix the daemon
    // blocked in the log write holding its locks, and this loop never finished.
    const loop = 'import sys\nfor _ in range(3000):\n    open(sys.argv[1], "w").write("power-fail\\n")\n';
    // SIGKILL on timeout: a process waiting on a stuck FUSE request dies of nothing else.
    execFileSync(PYTHON, ['-c', loop, join(mnt, '.lazyfs-ctl')], { stdio: 'pipe', timeout: 60_000, killSignal: 'SIGKILL' });
    const s = status(mnt);
    expect(s.power_failures).toBe(3000);
    expect(s.log_dropped).toBeGreaterThan(0);
  });

  it('builds in a multi-stage image and behaves the same in a container (/dev/fuse, CAP_SYS_ADMIN only)', async () => {
    const image = await buildLazyfsTestImage();
    const out = await runScenarioInContainer(image);
    const want = expectedTrees();
    expect(out.noCompiler, 'the runtime image must not contain gcc').toBe(true);
    expect(out.result.before).toEqual(want.before);
    expect(out.result.after).toEqual(want.after);
    expect(out.leftovers).toEqual([]);
  }, 600_000);
});

// One build per image at a time across processes: CI prebuilds every image in the background
// while test files build the one they need; without a lock both would build the same recipe,
// twice the work on a 2-core machine. The lock is a directory (mkdir is atomic) holding the
// builder's pid; a lock whose builder is gone is taken over.

import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const DIR = join(tmpdir(), 'faultline-build-locks');

function holderAlive(lock: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(join(lock, 'pid'), 'utf8'));
  } catch {
    // Being created: its pid file follows in a moment, unless its creator died in between.
    try {
      return Date.now() - statSync(lock).mtimeMs < 30_000;
    } catch {
      return false;
    }
  }
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Runs `f` holding the build lock of `ref`; waits (polling) while another live process holds it. */
export async function withBuildLock<T>(ref: string, f: () => Promise<T>, pollMs = 1000): Promise<T> {
  mkdirSync(DIR, { recursive: true });
  const lock = join(DIR, ref.replace(/[^\w.-]/g, '_') + '.lock');
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      if (!holderAlive(lock)) rmSync(lock, { recursive: true, force: true });
      else await sleep(pollMs);
    }
  }
  try {
    writeFileSync(join(lock, 'pid'), String(process.pid));
    return await f();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

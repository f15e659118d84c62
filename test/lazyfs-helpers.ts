// Helpers for the lazyfs tests and bench: build lazyfs from docker/common/lazyfs, mount it on
// a temporary directory with the daemon as our child process, run the test program, and
// unmount whatever we mounted (also when a test failed), so no mount outlives the test.

import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const LAZYFS_SRC = join(ROOT, 'docker/common/lazyfs');
export const CHECK = join(LAZYFS_SRC, 'tests/lazyfs-check.py');
export const FUZZ = join(LAZYFS_SRC, 'tests/lazyfs-fuzz.py');
/** Debian's interpreter when present: a pyenv shim in PATH can take seconds to start. */
export const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

/** Why lazyfs cannot run here, or undefined when it can. */
export function fuseUnavailable(): string | undefined {
  if (!existsSync('/dev/fuse')) return '/dev/fuse is absent (FUSE is not available on this machine or in this container)';
  return undefined;
}

/** Builds lazyfs out of tree into `dir`; returns the binary. Throws with the compiler's output. */
export function buildLazyfs(dir: string): string {
  try {
    execFileSync('make', ['-s', '-C', LAZYFS_SRC, `BUILD=${dir}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const err = e as { stdout?: Buffer; stderr?: Buffer; message: string };
    throw new Error(
      `building lazyfs failed (needs gcc, make, pkg-config and libfuse3-dev: apt-get install gcc make pkg-config libfuse3-dev fuse3): ${err.message}\n${err.stdout ?? ''}${err.stderr ?? ''}`,
    );
  }
  return join(dir, 'lazyfs');
}

export interface Mount {
  store: string;
  mnt: string;
  proc: ChildProcess;
  log: () => string;
  exited: Promise<number | null>;
}

const live = new Set<Mount>();

export async function waitFor(what: string, cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export function mounted(mnt: string): boolean {
  return readFileSync('/proc/self/mounts', 'utf8').split('\n').some((l) => l.split(' ')[1] === mnt);
}

/**
 * Mounts lazyfs (foreground daemon, our child); resolves once the control file answers. Its
 * stderr goes to STORE.log, not to a pipe: a pipe that nobody drains while this process waits
 * in execFileSync would block the daemon's logging.
 */
export async function mountLazyfs(
  bin: string,
  store: string,
  mnt: string,
  extra: string[] = [],
  opts: { undrainedStderr?: boolean } = {},
): Promise<Mount> {
  const logPath = `${store}.log`;
  const logFd = openSync(logPath, 'a');
  // auto_unmount: if the daemon dies (or is killed), fusermount3 removes the mount;
  // --die-with-parent: if this process is killed, the daemon unmounts and exits.
  // undrainedStderr: a pipe nobody reads, to show lazyfs never blocks on its log.
  const proc = spawn(bin, ['-f', '-o', 'auto_unmount', '--die-with-parent', ...extra, store, mnt], {
    stdio: ['ignore', 'ignore', opts.undrainedStderr ? 'pipe' : logFd],
  });
  closeSync(logFd);
  const log = (): string => (existsSync(logPath) ? readFileSync(logPath, 'utf8') : '');
  const exited = new Promise<number | null>((res) => proc.on('exit', (code) => res(code)));
  const m: Mount = { store, mnt, proc, log, exited };
  live.add(m);
  let dead = false;
  void exited.then(() => (dead = true));
  await waitFor(`lazyfs to mount ${mnt}`, () => dead || existsSync(join(mnt, '.lazyfs-ctl')));
  if (dead) throw new Error(`lazyfs exited before mounting ${mnt}: ${log()}`);
  return m;
}

/** Unmounts and waits for the daemon to exit; lazily and by force if a clean unmount fails. */
export async function unmount(m: Mount): Promise<void> {
  try {
    if (mounted(m.mnt)) execFileSync('fusermount3', ['-u', m.mnt], { stdio: 'pipe' });
  } catch {
    try {
      execFileSync('fusermount3', ['-u', '-z', m.mnt], { stdio: 'pipe' });
    } catch {
      // already gone
    }
  }
  const done = await Promise.race([m.exited.then(() => true), new Promise((r) => setTimeout(() => r(false), 5000))]);
  if (!done && m.proc.exitCode === null) m.proc.kill('SIGKILL');
  live.delete(m);
}

export async function unmountAll(): Promise<void> {
  for (const m of [...live]) await unmount(m);
}

export function ctl(mnt: string, command: string): void {
  writeFileSync(join(mnt, '.lazyfs-ctl'), `${command}\n`);
}

export function status(mnt: string): Record<string, number> {
  const text = readFileSync(join(mnt, '.lazyfs-ctl'), 'utf8');
  return Object.fromEntries(text.trim().split('\n').map((l) => [l.split('=')[0]!, Number(l.split('=')[1])]));
}

function python(script: string, args: string[]): string {
  try {
    return execFileSync(PYTHON, [script, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000, killSignal: 'SIGKILL' });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${script} ${args.join(' ')} failed: ${err.message}\n${err.stdout ?? ''}${err.stderr ?? ''}`);
  }
}

/** Runs the test program; returns its stdout (throws with its output on failure). */
export function check(...args: string[]): string {
  return python(CHECK, args);
}

export interface FuzzResult {
  ok: boolean;
  power_failures: number;
  forced_by_dependency: number;
  status: Record<string, string>;
}

/** Runs the model-based random test in MNT/fuzz (removed first); throws with the difference. */
export function fuzz(mnt: string, seed: number, steps: number): FuzzResult {
  rmSync(join(mnt, 'fuzz'), { recursive: true, force: true });
  return JSON.parse(python(FUZZ, [mnt, String(seed), String(steps)])) as FuzzResult;
}

/** Spawns the crash-safety writer; `synced()` is the last batch it reported durable. */
export function startWriter(dir: string): { proc: ChildProcess; synced: () => number; exited: Promise<void> } {
  const proc = spawn(PYTHON, [CHECK, 'writer', dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  proc.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<void>((res) => proc.on('exit', () => res()));
  const synced = (): number => {
    const m = [...out.matchAll(/^synced (\d+)$/gm)].pop();
    return m ? Number(m[1]) : 0;
  };
  return { proc, synced, exited };
}

// Filesystem writes that fail as FaultlineError('IO') naming the path and the reason (exit 254),
// and checks of an output place before any work starts. Also a directory creation that cannot
// loop: Node's recursive mkdir spins forever where a parent exists but refuses children with
// ENOENT (`/proc/self/x`), so directories are made one level at a time here.

import { accessSync, closeSync, constants, fsyncSync, lstatSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname, join, parse, resolve, sep } from 'node:path';
import { FaultlineError, ioError } from './errors.js';

/** Creates `dir` and its missing parents; errors name `where` (an option) or the path. */
export function ensureDir(dir: string, where?: string): string {
  const abs = resolve(dir);
  const { root } = parse(abs);
  const parts = abs.slice(root.length).split(sep).filter(Boolean);
  let cur = root;
  for (const part of parts) {
    cur = join(cur, part);
    let st;
    try {
      st = statSync(cur);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw ioError(`use ${cur}`, e, where ?? cur);
    }
    if (st) {
      if (!st.isDirectory()) throw new FaultlineError('IO', `cannot create directory ${abs}: ${cur} is not a directory`, where ?? abs);
      continue;
    }
    try {
      mkdirSync(cur);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST' && isDir(cur)) continue;
      throw ioError(`create directory ${cur}`, e, where ?? abs);
    }
  }
  return abs;
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Checks that files can be created in `dir` (creating it): a probe file is written and removed,
 * which catches read-only filesystems, permissions and pseudo-filesystems that refuse files.
 */
export function checkWritableDir(dir: string, where?: string): string {
  const abs = ensureDir(dir, where);
  try {
    accessSync(abs, constants.W_OK);
  } catch (e) {
    throw ioError(`write into ${abs}`, e, where ?? abs);
  }
  const probe = join(abs, `.faultline-probe-${process.pid}-${Date.now().toString(36)}`);
  try {
    const fd = openSync(probe, 'wx');
    closeSync(fd);
  } catch (e) {
    throw ioError(`create files in ${abs}`, e, where ?? abs);
  } finally {
    rmSync(probe, { force: true });
  }
  return abs;
}

/** Checks that `file` can be written: not a directory, and its directory accepts files. */
export function checkWritableFile(file: string, where?: string): string {
  const abs = resolve(file);
  if (isDir(abs)) throw new FaultlineError('IO', `cannot write ${abs}: it is a directory`, where ?? abs);
  checkWritableDir(dirname(abs), where);
  try {
    accessSync(abs, constants.W_OK);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw ioError(`write ${abs}`, e, where ?? abs);
  }
  return abs;
}

/**
 * Writes a whole file: to a temporary sibling, synced, then renamed over the target, so a full
 * disk leaves the old file (or none) instead of a truncated one. Targets that are not plain files
 * (`/dev/stdout`, a FIFO, a symlink) are written in place. Errors are FaultlineError('IO').
 */
export function writeFileSafe(file: string, data: string | Uint8Array, where?: string): void {
  const abs = resolve(file);
  if (isDir(abs)) throw new FaultlineError('IO', `cannot write ${abs}: it is a directory`, where ?? abs);
  let inPlace = false;
  try {
    const st = lstatSync(abs);
    inPlace = !st.isFile() || st.isSymbolicLink();
  } catch {
    // does not exist yet
  }
  const tmp = inPlace ? abs : `${abs}.${process.pid}.tmp`;
  let fd = -1;
  try {
    fd = openSync(tmp, 'w');
    const buf = typeof data === 'string' ? Buffer.from(data) : data;
    for (let off = 0; off < buf.length; ) off += writeSync(fd, buf, off, buf.length - off);
    try {
      fsyncSync(fd);
    } catch {
      // not every filesystem syncs
    }
    closeSync(fd);
    fd = -1;
    if (!inPlace) renameSync(tmp, abs);
  } catch (e) {
    if (fd >= 0) {
      try {
        closeSync(fd);
      } catch {
        // closing after a failed write
      }
    }
    if (!inPlace) rmSync(tmp, { force: true });
    throw ioError(`write ${abs}`, e, where ?? abs);
  }
}

/**
 * Writes what `produce` emits to `file` in pieces of about 1 MiB: a report or history too big to
 * hold as one string (V8 caps strings near 512 MiB) is never built whole.
 */
export function writeStreamed(file: string, produce: (emit: (s: string) => void) => void): void {
  const fd = openSync(file, 'w');
  try {
    let buf = '';
    produce((s) => {
      buf += s;
      if (buf.length > 1 << 20) {
        writeSync(fd, buf);
        buf = '';
      }
    });
    writeSync(fd, buf);
  } finally {
    closeSync(fd);
  }
}

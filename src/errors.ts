// Errors with stable codes, and the one place that maps outcomes to the CLI's exit codes. Every
// error a user or the environment can cause (bad option, malformed history, unreachable node,
// unwritable or full disk) is a FaultlineError naming the place; anything else is a crash.

import type { Validity } from './protocols.js';

export const EXIT = {
  valid: 0,
  invalid: 1,
  unknown: 2,
  badInput: 254,
  crash: 255,
} as const;

export type ErrorCode =
  | 'BAD_ARGUMENT' // an unknown or malformed CLI option or config value
  | 'BAD_INPUT' // a malformed history, EDN or JSON line, or a history that breaks the op model
  | 'FILE_NOT_FOUND'
  | 'IO' // the environment refused a read or write: read-only, full disk, permissions, not a directory
  | 'UNSUPPORTED' // a combination the chosen db/workload/nemesis cannot do
  | 'UNREACHABLE' // a node or service that does not answer
  | 'DOCKER' // the Docker engine refused or failed
  | 'INTERRUPTED'
  | 'INTERNAL';

/**
 * Marks FaultlineErrors across copies of this module: a user's suite may import faultline from
 * its own installation while the CLI runs another (a checkout run through tsx, say), and its
 * errors must still be recognised as ours.
 */
const BRAND = Symbol.for('faultline.error');

export class FaultlineError extends Error {
  readonly code: ErrorCode;
  /** Where the problem is: `file:line`, an option name, a node name. */
  readonly where?: string;
  readonly [BRAND] = true;
  constructor(code: ErrorCode, message: string, where?: string) {
    super(where ? `${where}: ${message}` : message);
    this.name = 'FaultlineError';
    this.code = code;
    this.where = where;
  }

  static override [Symbol.hasInstance](x: unknown): boolean {
    return typeof x === 'object' && x !== null && (x as Record<symbol, unknown>)[BRAND] === true;
  }
}

/**
 * A run stopped on an error after its directory existed: what it observed (history so far,
 * results.json saying `unknown` and why) is stored in `dir`. The exit code is the cause's.
 */
export class RunFailedError extends Error {
  constructor(
    readonly dir: string,
    override readonly cause: unknown,
  ) {
    super(`${errorMessage(cause)} (what the run recorded is in ${dir})`);
    this.name = 'RunFailedError';
  }
}

/** Codes that are the user's or the environment's doing (exit 254); the rest are crashes (255). */
const USER_CODES: ReadonlySet<ErrorCode> = new Set(['BAD_ARGUMENT', 'BAD_INPUT', 'FILE_NOT_FOUND', 'IO', 'UNSUPPORTED', 'UNREACHABLE']);

/** errno codes of a filesystem that refuses: the environment's doing, not a faultline bug. */
const ENV_ERRNO: Readonly<Record<string, string>> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'read-only file system',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'is a directory',
  ENOTDIR: 'a part of the path is not a directory',
  EEXIST: 'already exists',
  ENOENT: 'no such file or directory',
  ENAMETOOLONG: 'name too long',
  ELOOP: 'too many symbolic links',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files in the system',
  EFBIG: 'file too large',
  EIO: 'input/output error',
  ENXIO: 'no such device',
  ENODEV: 'no such device',
  EINVAL: 'invalid argument (this filesystem does not support the operation)',
  ETXTBSY: 'text file busy',
  EBUSY: 'resource busy',
};

/** The errno code of a Node system error, if it is one the environment causes. */
export function envErrno(e: unknown): string | undefined {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && code in ENV_ERRNO ? code : undefined;
}

/** A filesystem error as a FaultlineError('IO') naming what was being done and the path. */
export function ioError(what: string, e: unknown, path?: string): FaultlineError {
  if (e instanceof FaultlineError) return e;
  const err = e as NodeJS.ErrnoException;
  const code = envErrno(e);
  const reason = code ? `${ENV_ERRNO[code]} (${code})` : (err?.message ?? String(e));
  return new FaultlineError('IO', `cannot ${what}: ${reason}`, path ?? err?.path);
}

/** Exit code for an error escaping to the CLI: user and environment errors 254, crashes 255. */
export function exitCodeForError(err: unknown): number {
  if (err instanceof RunFailedError) return exitCodeForError(err.cause);
  if (err instanceof FaultlineError) return USER_CODES.has(err.code) ? EXIT.badInput : EXIT.crash;
  // A raw filesystem error that escaped a write site (a path the user chose): still the environment.
  if (envErrno(err) && typeof (err as NodeJS.ErrnoException).syscall === 'string') return EXIT.badInput;
  return EXIT.crash;
}

/** Exit code for a verdict: 0 valid, 1 invalid, 2 unknown (0 under `--fail-on invalid`). */
export function exitCodeForVerdict(valid: Validity, failOn: 'invalid' | 'unknown' = 'unknown'): number {
  if (valid === true) return EXIT.valid;
  if (valid === false) return EXIT.invalid;
  return failOn === 'unknown' ? EXIT.unknown : EXIT.valid;
}

/** The one-line (no stack) message of a user or environment error; the stack of a crash. */
export function errorMessage(err: unknown): string {
  if (err instanceof RunFailedError) return err.message;
  if (err instanceof FaultlineError) return err.message;
  if (exitCodeForError(err) === EXIT.badInput) return ioError('complete the operation', err).message;
  return (err as Error)?.stack ?? String(err);
}

export function badInput(message: string, where?: string): FaultlineError {
  return new FaultlineError('BAD_INPUT', message, where);
}

export function badArgument(message: string, where?: string): FaultlineError {
  return new FaultlineError('BAD_ARGUMENT', message, where);
}

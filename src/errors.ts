// Errors with stable codes, and the CLI's exit codes. Every error a user can cause
// (bad option, malformed history, unreachable node) is a FaultlineError naming the place.

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

/** Exit code for an error escaping to the CLI: user errors are 254, everything else a crash. */
export function exitCodeFor(err: unknown): number {
  if (err instanceof FaultlineError) {
    return err.code === 'INTERNAL' || err.code === 'DOCKER' || err.code === 'INTERRUPTED' ? EXIT.crash : EXIT.badInput;
  }
  return EXIT.crash;
}

export function badInput(message: string, where?: string): FaultlineError {
  return new FaultlineError('BAD_INPUT', message, where);
}

export function badArgument(message: string, where?: string): FaultlineError {
  return new FaultlineError('BAD_ARGUMENT', message, where);
}

// Checker budgets, one rule for every checker: a time limit is a positive number of milliseconds.
// Zero is refused (BAD_ARGUMENT), never read as "no time" by one checker and "no limit" by another:
// a user who writes 0 meaning "unlimited" learns to omit the option instead.

import { badArgument } from '../src/errors.js';

/** A time budget in ms from code or `--opt` (number or numeric string); undefined when not given. */
export function timeLimitMs(v: unknown, where = 'timeLimitMs'): number | undefined {
  if (v === undefined || v === null) return undefined;
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  if (!Number.isFinite(n) || n <= 0) {
    throw badArgument(`the time limit must be a positive number of milliseconds, got ${typeof v === 'string' ? `'${v}'` : String(v)}${n === 0 ? ' (0 leaves no time to check; leave the limit out for the default budget)' : ''}`, where);
  }
  return n;
}

/** A memory budget in bytes from code or `--opt` (number or numeric string); undefined when not given. */
export function memoryLimitBytes(v: unknown, where = 'memoryLimitBytes'): number | undefined {
  if (v === undefined || v === null) return undefined;
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  if (!Number.isFinite(n) || n <= 0) throw badArgument(`the memory limit must be a positive number of bytes, got ${typeof v === 'string' ? `'${v}'` : String(v)}`, where);
  return n;
}

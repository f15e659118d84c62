// Printing a verdict and turning it into an exit code: 0 valid, 1 invalid, 2 unknown; with
// `--fail-on invalid` an unknown verdict passes (exit 0) with a warning.

import { EXIT } from '../errors.js';
import type { CheckResult, Validity } from '../protocols.js';

export type FailOn = 'invalid' | 'unknown';

export function verdictExitCode(valid: Validity, failOn: FailOn = 'unknown'): number {
  if (valid === true) return EXIT.valid;
  if (valid === false) return EXIT.invalid;
  return failOn === 'unknown' ? EXIT.unknown : EXIT.valid;
}

export function verdictWord(valid: Validity): string {
  return valid === true ? 'VALID' : valid === false ? 'INVALID' : 'UNKNOWN';
}

/** One line per checker (nested results indented), for the terminal. */
export function summarize(result: CheckResult, name = 'verdict', depth = 0): string[] {
  const pad = '  '.repeat(depth);
  const why = result.summary ?? result.error ?? '';
  const lines = [`${pad}${name}: ${verdictWord(result.valid)}${why ? ` — ${why}` : ''}`];
  for (const [k, r] of Object.entries(result.results ?? {})) lines.push(...summarize(r, k, depth + 1));
  return lines;
}

// CI gating: which exit code a verdict maps to under `--fail-on`. `unknown` (the default) fails
// on anything but valid (invalid → 1, unknown → 2); `invalid` fails only on invalid and lets an
// unknown verdict pass with a warning (for checkers that may run out of budget on big histories).

import { EXIT, badArgument } from '../../src/errors.js';
import type { Validity } from '../../src/protocols.js';

export type FailOn = 'invalid' | 'unknown';

export const FAIL_ON_VALUES: readonly FailOn[] = ['invalid', 'unknown'];

export function parseFailOn(s: string | undefined): FailOn {
  if (s === undefined) return 'unknown';
  if ((FAIL_ON_VALUES as readonly string[]).includes(s)) return s as FailOn;
  throw badArgument(`expected one of ${FAIL_ON_VALUES.join(', ')}, got '${s}'`, '--fail-on');
}

/** Exit code for a verdict: 0 valid, 1 invalid, 2 unknown (0 under --fail-on invalid). */
export function exitCodeFor(valid: Validity, failOn: FailOn = 'unknown'): number {
  if (valid === true) return EXIT.valid;
  if (valid === false) return EXIT.invalid;
  return failOn === 'unknown' ? EXIT.unknown : EXIT.valid;
}

/** Same as exitCodeFor; a name that does not clash with errors.ts's exitCodeFor(err). */
export const verdictExitCode = exitCodeFor;

/** The warning to print when an unknown verdict passes because of --fail-on invalid. */
export function gateWarning(valid: Validity, failOn: FailOn): string | undefined {
  return valid === 'unknown' && failOn === 'invalid' ? 'verdict unknown; passing because of --fail-on invalid' : undefined;
}

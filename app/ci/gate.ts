// CI gating with `--fail-on`: `unknown` (the default) fails on anything but valid (invalid → 1,
// unknown → 2); `invalid` fails only on invalid and lets an unknown verdict pass with a warning
// (for checkers that may run out of budget on big histories). The exit codes themselves are
// mapped in one place, src/errors.ts (exitCodeForVerdict, exitCodeForError).

import { badArgument } from '../../src/errors.js';
import type { Validity } from '../../src/protocols.js';

export type FailOn = 'invalid' | 'unknown';

export const FAIL_ON_VALUES: readonly FailOn[] = ['invalid', 'unknown'];

export function parseFailOn(s: string | undefined): FailOn {
  if (s === undefined) return 'unknown';
  if ((FAIL_ON_VALUES as readonly string[]).includes(s)) return s as FailOn;
  throw badArgument(`expected one of ${FAIL_ON_VALUES.join(', ')}, got '${s}'`, '--fail-on');
}

/** The warning to print when an unknown verdict passes because of --fail-on invalid. */
export function gateWarning(valid: Validity, failOn: FailOn): string | undefined {
  return valid === 'unknown' && failOn === 'invalid' ? 'verdict unknown; passing because of --fail-on invalid' : undefined;
}

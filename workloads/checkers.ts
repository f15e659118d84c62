// Looking up registered checkers for a workload, and composing them with the standard
// stats and perf checkers.

import { FaultlineError } from '../src/errors.js';
import { compose, type CheckOptions, type Checker } from '../src/protocols.js';
import { checkerOptions, getChecker } from '../checkers/index.js';

export function checkerFor(name: string, opts: CheckOptions = {}): Checker {
  const p = getChecker(name);
  if (!p) throw new FaultlineError('INTERNAL', `checker '${name}' is not registered`);
  // Parsed against the checker's declaration: a workload's typo is an error, not a silent default.
  const fixed = checkerOptions([p], opts, `checker ${name} option`);
  const c = p.create(fixed as never);
  // Options fixed by the workload (model, consistency model) win over the run's generic ones.
  return { name: c.name, check: (h, o) => c.check(h, { ...o, ...fixed }) };
}

/** The workload's main checkers plus stats and perf (when registered), worst verdict wins. */
export function workloadChecker(main: Record<string, Checker>): Checker {
  const extra: Record<string, Checker> = {};
  for (const name of ['stats', 'perf']) if (getChecker(name)) extra[name] = checkerFor(name);
  return compose('workload', { ...main, ...extra });
}

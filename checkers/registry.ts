// The checker plugin map: `faultline check --checker NAME` and workloads look checkers up here.

import type { History } from '../src/history.js';
import type { CheckOptions, CheckResult, Checker } from '../src/protocols.js';
import { createRegistry } from '../src/registry.js';

export interface CheckerPlugin {
  name: string;
  /** One line for `--help`. */
  description: string;
  create(opts: CheckOptions): Checker;
  /** Render a result for the terminal (several lines); the CLI prints the verdict itself. */
  format?(result: CheckResult): string;
}

const plugins = createRegistry<CheckerPlugin>('legacy-checker');
export const registerChecker = plugins.register;
export const getChecker = plugins.get;
export const checkerNames = plugins.names;

/**
 * A plugin's `create` for a checker that is one function of the history and its options: the
 * options given at creation, overridden by those of each call.
 */
export function mergingOptions(name: string, check: (history: History, opts: CheckOptions) => Promise<CheckResult> | CheckResult): (opts: CheckOptions) => Checker {
  return (opts) => ({ name, check: (history, o) => check(history, { ...opts, ...o }) });
}

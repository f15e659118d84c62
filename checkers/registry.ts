// The checker plugin map: `faultline check --checker NAME` and workloads look checkers up here.

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

const plugins = createRegistry<CheckerPlugin>();
export const registerChecker = plugins.register;
export const getChecker = plugins.get;
export const checkerNames = plugins.names;

// The checker plugin map: `faultline check --checker NAME` and workloads look checkers up here.

import type { CheckOptions, CheckResult, Checker } from '../src/protocols.js';

export interface CheckerPlugin {
  name: string;
  /** One line for `--help`. */
  description: string;
  create(opts: CheckOptions): Checker;
  /** Render a result for the terminal (several lines); the CLI prints the verdict itself. */
  format?(result: CheckResult): string;
}

const plugins = new Map<string, CheckerPlugin>();

export function registerChecker(p: CheckerPlugin): void {
  plugins.set(p.name, p);
}

export function getChecker(name: string): CheckerPlugin | undefined {
  return plugins.get(name);
}

export function checkerNames(): string[] {
  return [...plugins.keys()].sort();
}

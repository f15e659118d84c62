// The checker plugin map: `faultline check --checker NAME` and workloads look checkers up here.
// A checker declares its options; they are parsed against the declaration wherever they enter
// (`--opt k=v`, a workload's code), so a typo or a bad value is one error naming the option.

import type { History } from '../src/history.js';
import type { CheckOptions, CheckResult, Checker } from '../src/protocols.js';
import { checkers, lookup } from '../src/plugin/registry.js';
import { parseOptions } from '../src/plugin/options.js';
import { FaultlineError } from '../src/errors.js';
import type { CheckerPlugin } from '../src/plugin/kinds.js';
import { memoryLimitBytes, timeLimitMs } from './budget.js';

export { checkers, defineChecker } from '../src/plugin/registry.js';
export type { CheckerPlugin } from '../src/plugin/kinds.js';

export const getChecker = (name: string): CheckerPlugin | undefined => checkers.get(name);
export const checkerNames = (): string[] => checkers.names();

/** Options every checker takes beside its own: budgets, and the run being judged. */
export const GENERIC_CHECK_OPTIONS: readonly string[] = ['timeLimitMs', 'memoryLimitBytes', 'test'];

/**
 * The options of `raw` parsed against the declarations of `plugins` (several share them when a
 * workload composes checkers), generic options passed through. Unknown keys are refused.
 */
export function checkerOptions(plugins: readonly CheckerPlugin[], raw: Readonly<Record<string, unknown>>, flag = '--opt'): CheckOptions {
  const generic = Object.fromEntries(Object.entries(raw).filter(([k]) => GENERIC_CHECK_OPTIONS.includes(k)));
  const own = Object.fromEntries(Object.entries(raw).filter(([k]) => !GENERIC_CHECK_OPTIONS.includes(k)));
  const declared = new Set(plugins.flatMap((p) => Object.keys(p.options ?? {})));
  const out: CheckOptions = { ...generic };
  // Budgets are parsed here, once: the reader's budget is built from them before any checker runs.
  if (generic.timeLimitMs !== undefined) out.timeLimitMs = timeLimitMs(generic.timeLimitMs, `${flag} timeLimitMs`);
  if (generic.memoryLimitBytes !== undefined) out.memoryLimitBytes = memoryLimitBytes(generic.memoryLimitBytes, `${flag} memoryLimitBytes`);
  for (const p of plugins) {
    const mine = Object.fromEntries(Object.entries(own).filter(([k]) => k in (p.options ?? {})));
    const parsed = parseOptions(p.options ?? {}, mine, { flag, owner: `checker ${p.name}`, foreign: declared });
    // Only what was given: a checker's defaults apply to what was not.
    for (const k of Object.keys(mine)) out[k] = (parsed as Record<string, unknown>)[k];
  }
  const unknown = Object.keys(own).find((k) => !declared.has(k));
  if (unknown !== undefined) {
    const owner = plugins.length === 1 ? `checker ${plugins[0]!.name}` : `none of the checkers ${plugins.map((p) => p.name).join(', ')}`;
    const known = [...declared];
    throw new FaultlineError('BAD_ARGUMENT', `${owner} has no option '${unknown}' (${known.length ? `options: ${known.join(', ')}` : 'no options'})`, `${flag} ${unknown}`);
  }
  return out;
}

/** A registered checker, created with options validated against its declaration. */
export function createChecker(name: string, raw: Readonly<Record<string, unknown>> = {}, flag = '--opt'): Checker {
  const p = lookup(checkers, name, '--checker');
  return p.create(checkerOptions([p], raw, flag) as never);
}

/**
 * A plugin's `create` for a checker that is one function of the history and its options: the
 * options given at creation, overridden by those of each call.
 */
export function mergingOptions(name: string, check: (history: History, opts: CheckOptions) => Promise<CheckResult> | CheckResult): (opts: CheckOptions) => Checker {
  return (opts) => ({ name, check: (history, o) => check(history, { ...opts, ...o }) });
}

// Registers the Elle-style transactional checkers: `list-append` and `rw-register`.
// Options (from the CLI or a workload): consistencyModel (default strict-serializable),
// timeLimitMs, maxExamples, maxStates, and for rw-register sequentialKeys / linearizableKeys.

import { registerChecker } from '../registry.js';
import type { CheckOptions, Checker } from '../../src/protocols.js';
import { badArgument } from '../../src/errors.js';
import { checkElle, type ElleOptions } from './check.js';
import { formatElle } from './format.js';
import { timeLimitMs } from '../budget.js';
import { canonicalModel } from './models.js';
import type { WorkloadKind } from './txn.js';

export { checkElle, type ElleOptions, type ElleResult } from './check.js';
export { formatElle } from './format.js';
export { judgeModels, modelNames, canonicalModel } from './models.js';

function options(o: CheckOptions): ElleOptions {
  const num = (name: string): number | undefined => {
    const v = o[name];
    if (v === undefined || v === null) return undefined;
    const n = typeof v === 'string' ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isFinite(n) || n <= 0) throw badArgument(`${name} must be a positive number, got ${JSON.stringify(v)}`, name);
    return n;
  };
  const bool = (name: string): boolean | undefined => {
    const v = o[name];
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'boolean') return v;
    if (v === 'true') return true;
    if (v === 'false') return false;
    throw badArgument(`${name} must be true or false, got ${JSON.stringify(v)}`, name);
  };
  const model = o.consistencyModel ?? o['consistency-model'];
  if (model !== undefined && typeof model !== 'string') throw badArgument('consistencyModel must be a model name', 'consistencyModel');
  return {
    consistencyModel: model === undefined ? undefined : canonicalModel(model),
    timeLimitMs: timeLimitMs(o.timeLimitMs, 'timeLimitMs'),
    maxExamples: num('maxExamples'),
    maxStates: num('maxStates'),
    sequentialKeys: bool('sequentialKeys'),
    linearizableKeys: bool('linearizableKeys'),
  };
}

function plugin(kind: WorkloadKind, description: string): void {
  registerChecker({
    name: kind,
    description,
    create(createOpts) {
      const base = options(createOpts);
      const checker: Checker = {
        name: kind,
        check(history, checkOpts) {
          // Options given at check time override those given at creation.
          const o = { ...base, ...Object.fromEntries(Object.entries(options(checkOpts)).filter(([, v]) => v !== undefined)) };
          return checkElle(history, kind, o);
        },
      };
      return checker;
    },
    format: formatElle,
  });
}

plugin('list-append', 'Elle-style isolation checker for list-append transactions ([append k v], [r k [..]])');
plugin('rw-register', 'Elle-style isolation checker for read-write register transactions ([w k v], [r k v])');

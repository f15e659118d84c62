// Registers the Elle-style transactional checkers: `list-append` and `rw-register`.
// Options: see `declared` (and the generic time budget).

import { defineChecker } from '../registry.js';
import { opt } from '../../src/plugin/options.js';
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

const declared = {
  consistencyModel: opt.string({ default: 'strict-serializable', placeholder: 'MODEL', doc: 'the consistency model the history must satisfy (docs/elle.md lists them)' }),
  maxExamples: opt.number({ integer: true, min: 1, doc: 'examples kept per anomaly type' }),
  maxStates: opt.number({ integer: true, min: 1, doc: 'search states for per-key version orders before giving up' }),
  sequentialKeys: opt.boolean({ doc: 'rw-register: each key is sequentially consistent (derive version orders from process order)' }),
  linearizableKeys: opt.boolean({ doc: 'rw-register: each key is linearizable (derive version orders from real time)' }),
};

/** The Elle options of a call (declared ones arrive parsed; the budget is generic). */
function options(o: CheckOptions): ElleOptions {
  const model = o.consistencyModel;
  if (model !== undefined && typeof model !== 'string') throw badArgument('consistencyModel must be a model name', 'consistencyModel');
  return {
    consistencyModel: model === undefined ? undefined : canonicalModel(model),
    timeLimitMs: timeLimitMs(o.timeLimitMs, 'timeLimitMs'),
    maxExamples: o.maxExamples as number | undefined,
    maxStates: o.maxStates as number | undefined,
    sequentialKeys: o.sequentialKeys as boolean | undefined,
    linearizableKeys: o.linearizableKeys as boolean | undefined,
  };
}

function plugin(kind: WorkloadKind, description: string): void {
  defineChecker({
    name: kind,
    doc: description,
    options: declared,
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

// The `linearizable` checker plugin: registers itself and the Porcupine history formats, and
// re-exports the API (checkLinearizable, the Model type, the built-in models by name).

import { defineChecker } from '../registry.js';
import type { CheckOptions } from '../../src/protocols.js';
import { badArgument } from '../../src/errors.js';
import { checkLinearizable, type LinearizableOptions } from './check.js';
import { formatLinearizable } from './format.js';
import { timeLimitMs } from '../budget.js';
import { models } from './models/index.js';
import './porcupine-format.js';
import { warmPool } from '../../src/parallel/pool.js';
import { opt } from '../../src/plugin/options.js';

export { checkLinearizable, resolveModel, type LinearizableOptions, type LinearizableResult } from './check.js';
export { formatLinearizable } from './format.js';
export type { Model, ModelOp, OpStatus, Partition } from './model.js';
export { hashString, hashValue, sameValue, canonicalJson, show } from './model.js';
export { models } from './models/index.js';
export { Search } from './search.js';
export { prepare } from './prepare.js';
export { porcupineEtcdFormat, porcupineKvFormat } from './porcupine-format.js';

// The options this checker declares (parsed from `--opt key=value` or given typed by code).
const options = {
  model: opt.json({ doc: `the model: ${Object.keys(models).join(', ')} (or a Model object from code)`, default: 'cas-register' }),
  partition: opt.boolean({ doc: "split the history by the model's partition (e.g. by key) and check the parts independently (default: true)" }),
  independent: opt.json({ doc: "'auto' (default), true or false: treat [key, value] ops as independent registers" }),
  witness: opt.boolean({ doc: 'search a small witness of a violation (default: true)' }),
  witnessTimeMs: opt.number({ min: 1, unit: 'ms', doc: 'time for the witness search' }),
  init: opt.json({ doc: "the model's initial value (JSON; big integers stay exact)" }),
  staleReads: opt.boolean({ doc: 'prove stale reads before searching, without a search (default: true; false: the search alone)' }),
  workers: opt.number({ integer: true, min: 0, doc: 'worker threads for partitions (default: cores - 1; 0: none)' }),
};

function optionsFrom(base: CheckOptions, opts: CheckOptions): LinearizableOptions {
  const o = { ...base, ...opts };
  const model = o.model ?? 'cas-register';
  if (typeof model !== 'string' && (typeof model !== 'object' || model === null)) throw badArgument('model must be a model name', '--model');
  return {
    ...(o as Partial<LinearizableOptions>),
    model: model as LinearizableOptions['model'],
    independent: o.independent as LinearizableOptions['independent'],
    timeLimitMs: timeLimitMs(o.timeLimitMs, '--opt timeLimitMs'),
    memoryLimitBytes: o.memoryLimitBytes as number | undefined,
  };
}

defineChecker({
  name: 'linearizable',
  doc: `linearizability (Wing & Gong + Lowe memo, split by key); --model ${Object.keys(models).join('|')}`,
  options,
  create(base) {
    // Start the worker pool now, in the background: by the time a history has been read (or a
    // run has ended) it is up, and a multi-key check runs on every core (FAULTLINE_WORKERS=0: off).
    void warmPool();
    return {
      name: 'linearizable',
      check: (history, opts) => checkLinearizable(history, optionsFrom(base, opts)),
    };
  },
  format: formatLinearizable,
});

// The `linearizable` checker plugin: registers itself and the Porcupine history formats, and
// re-exports the API (checkLinearizable, the Model type, the built-in models by name).

import { registerChecker } from '../registry.js';
import type { CheckOptions } from '../../src/protocols.js';
import { badArgument } from '../../src/errors.js';
import { checkLinearizable, type LinearizableOptions } from './check.js';
import { formatLinearizable } from './format.js';
import { timeLimitMs } from '../budget.js';
import { optJsonValue } from '../op-pairs.js';
import { models } from './models/index.js';
import './porcupine-format.js';
import { warmPool } from '../../src/parallel/pool.js';

export { checkLinearizable, resolveModel, type LinearizableOptions, type LinearizableResult } from './check.js';
export { formatLinearizable } from './format.js';
export type { Model, ModelOp, OpStatus, Partition } from './model.js';
export { hashString, hashValue, sameValue, canonicalJson, show } from './model.js';
export { models } from './models/index.js';
export { Search } from './search.js';
export { prepare } from './prepare.js';
export { porcupineEtcdFormat, porcupineKvFormat } from './porcupine-format.js';

// Options may come from code (typed) or from `--opt key=value` on the CLI (strings).
function bool(v: unknown, name: string): boolean | undefined {
  if (v === undefined || typeof v === 'boolean') return v;
  if (v === 'true' || v === 'false') return v === 'true';
  throw badArgument(`${name} must be true or false, got ${JSON.stringify(v)}`, `--opt ${name}`);
}

function num(v: unknown, name: string): number | undefined {
  if (v === undefined || typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  throw badArgument(`${name} must be a number, got ${JSON.stringify(v)}`, `--opt ${name}`);
}

function optionsFrom(base: CheckOptions, opts: CheckOptions): LinearizableOptions {
  const o = { ...base, ...opts };
  const model = o.model ?? 'cas-register';
  if (typeof model !== 'string' && (typeof model !== 'object' || model === null)) throw badArgument('model must be a model name', '--model');
  const independent = o.independent === 'auto' ? 'auto' : bool(o.independent, 'independent');
  return {
    model: model as LinearizableOptions['model'],
    partition: bool(o.partition, 'partition'),
    independent,
    timeLimitMs: timeLimitMs(o.timeLimitMs, '--opt timeLimitMs'),
    memoryLimitBytes: num(o.memoryLimitBytes, 'memoryLimitBytes'),
    witness: bool(o.witness, 'witness'),
    witnessTimeMs: num(o.witnessTimeMs, 'witnessTimeMs'),
    init: optJsonValue(o.init, '--opt init'),
  };
}

registerChecker({
  name: 'linearizable',
  description: `linearizability (Wing & Gong + Lowe memo, split by key); --model ${Object.keys(models).join('|')}`,
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

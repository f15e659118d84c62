// The `linearizable` checker plugin: registers itself and the Porcupine history formats, and
// re-exports the API (checkLinearizable, the Model type, the built-in models by name).

import { registerChecker } from '../registry.js';
import type { CheckOptions } from '../../src/protocols.js';
import { badArgument } from '../../src/errors.js';
import { checkLinearizable, type LinearizableOptions } from './check.js';
import { formatLinearizable } from './format.js';
import { models } from './models/index.js';
import './porcupine-format.js';

export { checkLinearizable, resolveModel, type LinearizableOptions, type LinearizableResult } from './check.js';
export { formatLinearizable } from './format.js';
export type { Model, ModelOp, OpStatus, Partition } from './model.js';
export { hashString, hashValue, sameValue, canonicalJson, show } from './model.js';
export { models } from './models/index.js';
export { Search } from './search.js';
export { prepare } from './prepare.js';
export { porcupineEtcdFormat, porcupineKvFormat } from './porcupine-format.js';

function optionsFrom(base: CheckOptions, opts: CheckOptions): LinearizableOptions {
  const o = { ...base, ...opts };
  const model = o.model ?? 'cas-register';
  if (typeof model !== 'string' && (typeof model !== 'object' || model === null)) throw badArgument('model must be a model name', '--model');
  const partition = o.partition;
  if (partition !== undefined && typeof partition !== 'boolean') throw badArgument('partition must be true or false', '--partition');
  return {
    model: model as LinearizableOptions['model'],
    partition: partition as boolean | undefined,
    independent: o.independent as LinearizableOptions['independent'],
    timeLimitMs: typeof o.timeLimitMs === 'number' ? o.timeLimitMs : undefined,
    memoryLimitBytes: typeof o.memoryLimitBytes === 'number' ? o.memoryLimitBytes : undefined,
    witness: o.witness as boolean | undefined,
    witnessTimeMs: typeof o.witnessTimeMs === 'number' ? o.witnessTimeMs : undefined,
  };
}

registerChecker({
  name: 'linearizable',
  description: `linearizability (Wing & Gong + Lowe memo, split by key); --model ${Object.keys(models).join('|')}`,
  create(base) {
    return {
      name: 'linearizable',
      check: (history, opts) => checkLinearizable(history, optionsFrom(base, opts)),
    };
  },
  format: formatLinearizable,
});

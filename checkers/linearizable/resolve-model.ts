// A model from its name or record, and the user's initial value applied to it (`--opt init=`).
// Kept apart from check.ts so that worker threads resolve models by name with little code.

import { badArgument } from '../../src/errors.js';
import type { Model } from './model.js';
import { models } from './models/index.js';

export function resolveModel(m: string | Model<unknown>, init?: unknown): Model<unknown> {
  const found = typeof m === 'string' ? models[m] : m;
  if (!found) throw badArgument(`unknown model '${m}' (known: ${Object.keys(models).join(', ')})`, '--model');
  return init === undefined ? found : withInit(found, init);
}

/** The built-in model's name if `m` names or is one (a worker thread can then rebuild it). */
export function builtinName(m: string | Model<unknown>): string | undefined {
  if (typeof m === 'string') return models[m] ? m : undefined;
  return models[m.name] === m ? m.name : undefined;
}

/** The model starting from the user's initial value (also a possible state for witness windows). */
function withInit(model: Model<unknown>, init: unknown): Model<unknown> {
  if (!model.initFrom) throw badArgument(`the ${model.name} model does not take an initial value`, '--opt init');
  let s0: unknown;
  try {
    s0 = model.initFrom(init);
  } catch (e) {
    throw badArgument(`bad initial value for ${model.name}: ${(e as Error).message}`, '--opt init');
  }
  return {
    ...model,
    init: () => s0,
    initialStates: model.initialStates ? (ops) => {
      const base = model.initialStates!(ops);
      return base && [...base, s0];
    } : undefined,
  };
}

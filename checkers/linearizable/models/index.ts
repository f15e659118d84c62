// The built-in models by name. Add a model: write a Model record in its own file, list it here.

import type { Model } from '../model.js';
import { casRegisterModel, registerModel } from './cas-register.js';
import { counterModel } from './counter.js';
import { fifoQueueModel } from './fifo-queue.js';
import { kvModel } from './kv.js';
import { multiRegisterModel } from './multi-register.js';
import { mutexModel } from './mutex.js';
import { setModel } from './set.js';
import { unorderedQueueModel } from './unordered-queue.js';

/** Models by name. States are opaque to the search, hence `Model<unknown>`. */
export const models: Record<string, Model<unknown>> = {
  register: registerModel,
  'cas-register': casRegisterModel,
  kv: kvModel as Model<unknown>,
  set: setModel as Model<unknown>,
  'fifo-queue': fifoQueueModel as Model<unknown>,
  'unordered-queue': unorderedQueueModel as Model<unknown>,
  mutex: mutexModel as Model<unknown>,
  'multi-register': multiRegisterModel as Model<unknown>,
  counter: counterModel as Model<unknown>,
};

export { casRegisterModel, counterModel, fifoQueueModel, kvModel, multiRegisterModel, mutexModel, registerModel, setModel, unorderedQueueModel };

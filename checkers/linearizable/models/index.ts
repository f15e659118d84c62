// The built-in models by name. Add a model: write a Model record in its own file, list it here.

import type { Model } from '../model.js';
import { casRegisterModel, registerModel } from './cas-register.js';
import { counterModel } from './counter.js';
import { fifoQueueModel } from './fifo-queue.js';
import { kvModel } from './kv.js';
import { mutexModel } from './mutex.js';
import { setModel } from './set.js';
import { unorderedQueueModel } from './unordered-queue.js';

export const models: Record<string, Model<never>> = {
  register: registerModel as Model<never>,
  'cas-register': casRegisterModel as Model<never>,
  kv: kvModel as unknown as Model<never>,
  set: setModel as unknown as Model<never>,
  'fifo-queue': fifoQueueModel as unknown as Model<never>,
  'unordered-queue': unorderedQueueModel as unknown as Model<never>,
  mutex: mutexModel as unknown as Model<never>,
  counter: counterModel as unknown as Model<never>,
};

export { casRegisterModel, counterModel, fifoQueueModel, kvModel, mutexModel, registerModel, setModel, unorderedQueueModel };

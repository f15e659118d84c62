// Loads every workload plugin (each file registers itself). Add one import line per plugin.

export * from './registry.js';
import './register.js';
import './set.js';
import './counter.js';
import './lock.js';
import './txn-workloads.js';
import './queue.js';
import './maelstrom.js';
import './kafka.js';

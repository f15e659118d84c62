// Loads every checker plugin (each file registers itself in the registry) and re-exports the map.
// Add one import line per plugin.

export * from './registry.js';
import './elle/index.js';
import './sequential/index.js';
import './linearizable/index.js';
import './set/index.js';
import './counter/index.js';
import './counter/final-counter.js';
import './echo/index.js';
import './bank/index.js';
import './unique-ids/index.js';
import './queue/index.js';
import './kafka/index.js';
import './lock/index.js';
import './stats/index.js';
import './perf/index.js';
import './compose.js';

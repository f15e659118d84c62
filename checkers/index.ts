// Loads every checker plugin (each file registers itself in the registry) and re-exports the map.
// Add one import line per plugin.

export * from './registry.js';
import './elle/index.js';
import './sequential/index.js';
import './linearizable/index.js';
import './set/index.js';

// Loads every database plugin (each file registers itself). Add one import line per plugin.

export * from './registry.js';
import './raft.js';
import './gossip.js';
import './maelstrom.js';
import './etcd.js';

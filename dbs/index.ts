// Loads every database plugin (each file registers itself). Add one import line per plugin.

export * from './registry.js';
import './raft/index.js';
import './gossip/index.js';
import './maelstrom/index.js';
import './etcd/index.js';
import './zookeeper/index.js';
import './redis/index.js';
import './paxos/index.js';
import './rabbitmq/index.js';
import './nats/index.js';
import './kafka/index.js';

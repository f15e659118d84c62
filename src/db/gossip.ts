// Db plugin `gossip`: the built-in eventually consistent set and counter
// (src/builtin/gossip-node.ts), replicated by anti-entropy through the Maelstrom router.

import { GOSSIP_BUGS } from '../builtin/bugs.js';
import { builtinNodeCommand } from '../builtin/command.js';
import { MaelstromDb } from '../maelstrom/db.js';
import { checkBug, requestTimeoutMs } from './maelstrom-options.js';
import { registerDb } from './registry.js';

registerDb({
  name: 'gossip',
  description: 'built-in gossip-replicated grow-only set and PN-counter (eventually consistent)',
  workloads: ['set', 'counter'],
  bugs: GOSSIP_BUGS,
  defaultNodes: 3,
  eventuallyConsistent: true,
  create(opts) {
    checkBug('gossip', opts.bug, GOSSIP_BUGS);
    const { command, args } = builtinNodeCommand('gossip-node.ts', opts.bug);
    return new MaelstromDb({
      name: 'gossip',
      command,
      args,
      nodes: opts.nodes || 3,
      workloads: ['set', 'counter'],
      requestTimeoutMs: requestTimeoutMs(opts),
    });
  },
});

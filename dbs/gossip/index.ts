// Db plugin `gossip`: the built-in eventually consistent set and counter
// (dbs/gossip/node.ts), replicated by anti-entropy through the Maelstrom router.

import { GOSSIP_BUGS } from './bugs.js';
import { defineBuiltinDb } from '../builtin/register.js';

defineBuiltinDb({
  name: 'gossip',
  doc: 'built-in gossip-replicated grow-only set and PN-counter (eventually consistent)',
  program: new URL('./node.js', import.meta.url),
  workloads: ['set', 'counter', 'g-set', 'g-counter', 'pn-counter'],
  bugs: GOSSIP_BUGS,
  defaultNodes: 3,
  eventuallyConsistent: true,
});

// Facts about a run that are not verdicts, stored beside them in results.json: what the db's own
// network carried per client op (`net`, Maelstrom's net stats) and how long the replicas took to
// converge after healing (`convergence`, for workloads with final reads). Neither may break the
// storing of a run: a fact that cannot be computed is left out with a warning.

import { errorMessage } from '../errors.js';
import type { History } from '../history.js';
import { clientOpCount, netFacts, type NetFacts } from '../net-facts.js';
import { convergenceOf, type Convergence } from '../convergence.js';
import type { Db } from '../protocols.js';

export interface RunFacts {
  net?: NetFacts;
  convergence?: Convergence;
}

export function runFacts(db: Db, history: History, warn: (m: string) => void): RunFacts {
  const out: RunFacts = {};
  try {
    const record = db.netRecord?.();
    if (record) out.net = netFacts(record, clientOpCount(history));
  } catch (e) {
    warn(`counting the network's messages failed: ${errorMessage(e)}`);
  }
  try {
    const c = convergenceOf(history);
    if (c) out.convergence = c;
  } catch (e) {
    warn(`measuring convergence failed: ${errorMessage(e)}`);
  }
  return out;
}

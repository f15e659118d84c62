// The client of each workload PostgreSQL supports: the shared SQL clients over a PostgreSQL
// target, and bank-2pc through the two-phase-commit coordinator.

import type { Client } from '../../src/protocols.js';
import type { SqlTarget } from '../sql/conn.js';
import { SqlBankClient } from '../sql/bank-client.js';
import { SqlRegisterClient } from '../sql/register-client.js';
import { SqlTxnClient } from '../sql/txn-client.js';
import type { TwoPhaseSystem } from './two-phase/system.js';

export function pgClient(workload: string, target: SqlTarget, twoPc?: TwoPhaseSystem): Client | undefined {
  switch (workload) {
    case 'list-append':
    case 'rw-register':
      return new SqlTxnClient(target, workload);
    case 'bank':
      return new SqlBankClient(target);
    case 'register':
      // A hot standby refuses SERIALIZABLE; its reads run at REPEATABLE READ (a snapshot either way).
      return new SqlRegisterClient(target, target.isolation === 'serializable' ? 'repeatable-read' : undefined);
    case 'bank-2pc':
      return twoPc?.client();
    default:
      return undefined;
  }
}

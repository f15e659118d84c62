// The client of each workload MariaDB supports: the shared SQL clients over a MariaDB target.

import type { Client } from '../../src/protocols.js';
import type { SqlTarget } from '../sql/conn.js';
import { SqlBankClient } from '../sql/bank-client.js';
import { SqlRegisterClient } from '../sql/register-client.js';
import { SqlTxnClient } from '../sql/txn-client.js';

export function mariaClient(workload: string, target: SqlTarget): Client | undefined {
  switch (workload) {
    case 'list-append':
    case 'rw-register':
      return new SqlTxnClient(target, workload);
    case 'bank':
      return new SqlBankClient(target);
    case 'register':
      return new SqlRegisterClient(target);
    default:
      return undefined;
  }
}

// The bank client over SQL (Jepsen's bank): one `accounts` table of (id, balance); a transfer
// reads both balances and writes the new ones it computed, in one transaction, and refuses to
// overdraw; a read selects every balance in one transaction. Writing computed values (not
// `balance = balance - x`) is what lets a level that allows lost updates lose money.

import { FaultlineError } from '../../src/errors.js';
import type { Client, Completion, Invocation, Test } from '../../src/protocols.js';
import { bankSettings, type Transfer } from '../../workloads/bank.js';
import type { SqlTarget } from './conn.js';
import { Abort, ConnSlot, runTxn } from './txn-runner.js';

/** The accounts table, as idempotent DDL. */
export function accountsDdl(target: SqlTarget): string {
  return `CREATE TABLE IF NOT EXISTS ${target.table('accounts')} (id int NOT NULL PRIMARY KEY, balance int NOT NULL)`;
}

export class SqlBankClient implements Client {
  private slot?: ConnSlot;
  constructor(private readonly target: SqlTarget) {}

  async open(_test: Test, node: string): Promise<Client> {
    const c = new SqlBankClient(this.target);
    c.slot = new ConnSlot(this.target, this.target.writer(node), [accountsDdl(this.target)]);
    return c;
  }

  async setup(test: Test): Promise<void> {
    const { accounts, total } = bankSettings(test);
    const t = this.target.table('accounts');
    const p = this.target.dialect.param;
    const conn = await this.target.connect(this.target.setupNode());
    try {
      await this.target.prepare?.(conn);
      await conn.query(accountsDdl(this.target));
      await conn.query(`DELETE FROM ${t}`);
      const each = Math.floor(total / accounts.length);
      for (const [i, a] of accounts.entries()) {
        // The remainder goes to the first account, so the balances sum to the total exactly.
        const b = each + (i === 0 ? total - each * accounts.length : 0);
        await conn.query(`INSERT INTO ${t} (id, balance) VALUES (${p(1)}, ${p(2)})`, [a, b]);
      }
    } finally {
      await conn.end().catch(() => conn.destroy());
    }
  }

  async invoke(_test: Test, op: Invocation): Promise<Completion> {
    const t = this.target.table('accounts');
    const p = this.target.dialect.param;
    if (op.f === 'read') {
      const out = await runTxn(this.target, this.slot!, true, async (exec) => {
        const r = await exec(`SELECT id, balance FROM ${t} ORDER BY id`);
        return Object.fromEntries(r.rows.map((row) => [String(row.id), Number(row.balance)]));
      });
      return out.completion ?? { type: 'ok', value: out.value };
    }
    if (op.f === 'transfer') {
      const { from, to, amount } = op.value as Transfer;
      const out = await runTxn(this.target, this.slot!, false, async (exec) => {
        const b1 = await exec(`SELECT balance FROM ${t} WHERE id = ${p(1)}`, [from]);
        const b2 = await exec(`SELECT balance FROM ${t} WHERE id = ${p(1)}`, [to]);
        if (!b1.rows.length || !b2.rows.length) throw new Abort(`no such account (${from} or ${to})`);
        const nb1 = Number(b1.rows[0]!.balance) - amount;
        const nb2 = Number(b2.rows[0]!.balance) + amount;
        if (nb1 < 0) throw new Abort('insufficient-funds');
        await exec(`UPDATE ${t} SET balance = ${p(1)} WHERE id = ${p(2)}`, [nb1, from]);
        await exec(`UPDATE ${t} SET balance = ${p(1)} WHERE id = ${p(2)}`, [nb2, to]);
        return op.value;
      });
      return out.completion ?? { type: 'ok', value: out.value };
    }
    throw new FaultlineError('UNSUPPORTED', `bank client has no op ${op.f}`);
  }

  async close(): Promise<void> {
    await this.slot?.close();
  }
}

// The bank-2pc client. Transfers go to the coordinator; a coordinator that is down fails them
// definitely (nothing sent), one that dies while working on them leaves them indeterminate.
// Reads go straight to the participants, taking shared row locks on every account in the
// global order (participant, then account) and releasing them only after all are read: a
// prepared branch holds its locks until it is resolved, so a read never sees a transfer on one
// participant and not the other. `recover` asks the coordinator for a recovery pass.

import { FaultlineError } from '../../../src/errors.js';
import type { Client, Completion, Invocation, Test } from '../../../src/protocols.js';
import { bankSettings, type Transfer } from '../../../workloads/bank.js';
import type { SqlTarget } from '../../sql/conn.js';
import { ConnSlot, TimeoutError } from '../../sql/txn-runner.js';
import { accountsDdl } from '../../sql/bank-client.js';
import { CoordinatorCrashed, CoordinatorDown, type CoordinatorProcess } from './process.js';
import { participantOf } from './protocol.js';

export class Bank2pcClient implements Client {
  private slots: ConnSlot[] = [];

  constructor(
    private readonly target: SqlTarget,
    private readonly participants: string[],
    private readonly coordinator: () => CoordinatorProcess,
  ) {}

  async open(_test: Test, _node: string): Promise<Client> {
    const c = new Bank2pcClient(this.target, this.participants, this.coordinator);
    c.slots = this.participants.map((p) => new ConnSlot(this.target, p));
    return c;
  }

  /** Each participant gets the accounts that live on it (account a on participant a mod n). */
  async setup(test: Test): Promise<void> {
    const { accounts, total } = bankSettings(test);
    const t = this.target.table('accounts');
    const each = Math.floor(total / accounts.length);
    for (const [i, p] of this.participants.entries()) {
      const conn = await this.target.connect(p);
      try {
        await this.target.prepare?.(conn);
        await conn.query(accountsDdl(this.target));
        await conn.query(`DELETE FROM ${t}`);
        for (const a of accounts.filter((x) => participantOf(x, this.participants.length) === i)) {
          const b = each + (a === 0 ? total - each * accounts.length : 0);
          await conn.query(`INSERT INTO ${t} (id, balance) VALUES ($1, $2)`, [a, b]);
        }
      } finally {
        await conn.end().catch(() => conn.destroy());
      }
    }
  }

  async invoke(_test: Test, op: Invocation): Promise<Completion> {
    if (op.f === 'read') return this.read();
    if (op.f !== 'transfer' && op.f !== 'recover') throw new FaultlineError('UNSUPPORTED', `bank-2pc client has no op ${op.f}`);
    try {
      const reply = await this.coordinator().request(op.f === 'transfer' ? { type: 'transfer', transfer: op.value as Transfer } : { type: 'recover' });
      if (reply.ok) return { type: 'ok', value: reply.value };
      return { type: reply.definite || op.f === 'recover' ? 'fail' : 'info', error: reply.error };
    } catch (e) {
      if (e instanceof CoordinatorDown) return { type: 'fail', error: 'coordinator down' };
      if (e instanceof CoordinatorCrashed) return { type: op.f === 'recover' ? 'fail' : 'info', error: `coordinator crashed: ${e.message}` };
      throw e;
    }
  }

  /** A locking read of every balance on every participant, committed only after all were read. */
  private async read(): Promise<Completion> {
    const t = this.target.table('accounts');
    const level = this.target.dialect.begin(this.target.isolation);
    let cancelled = false;
    const work = async (): Promise<Record<string, number>> => {
      const balances: Record<string, number> = {};
      const open = [];
      for (const slot of this.slots) {
        const conn = await slot.get();
        // Past the deadline: open nothing more (the connections were dropped).
        if (cancelled) throw new TimeoutError(this.target.timeoutMs);
        for (const s of level) await conn.query(s);
        open.push(conn);
        const r = await conn.query(`SELECT id, balance FROM ${t} ORDER BY id FOR SHARE`);
        for (const row of r.rows) balances[String(row.id)] = Number(row.balance);
      }
      for (const conn of open) await conn.query('COMMIT');
      return balances;
    };
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new TimeoutError(this.target.timeoutMs)), this.target.timeoutMs)));
    try {
      return { type: 'ok', value: await Promise.race([work(), deadline]) };
    } catch (e) {
      // A read changes nothing: every failure is definite. Drop the connections (they may be mid-transaction).
      cancelled = true;
      for (const s of this.slots) s.drop();
      if (e instanceof TimeoutError) return { type: 'fail', error: `timeout: ${e.message}` };
      const why = this.target.dialect.classify(e);
      return { type: 'fail', error: `${why.kind}${why.code ? ` (${why.code})` : ''}: ${why.message}` };
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.close()));
  }
}

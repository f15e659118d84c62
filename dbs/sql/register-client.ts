// The register client over SQL: independent registers as rows (id, val) of `registers`; writes
// and compare-and-sets go to the primary, reads to the node the client is bound to, so that
// with streaming replicas a read may hit a replica that has not replayed the latest write (the
// stale reads the linearizability checker looks for). A cas is one conditional UPDATE.

import { FaultlineError } from '../../src/errors.js';
import type { Client, Completion, Invocation, Test } from '../../src/protocols.js';
import type { Isolation, SqlTarget } from './conn.js';
import { ConnSlot, runTxn } from './txn-runner.js';

function registersDdl(target: SqlTarget): string {
  return `CREATE TABLE IF NOT EXISTS ${target.table('registers')} (id int NOT NULL PRIMARY KEY, sk int NOT NULL, val int)`;
}

export class SqlRegisterClient implements Client {
  private writes?: ConnSlot;
  private reads?: ConnSlot;
  constructor(
    private readonly target: SqlTarget,
    /** Isolation for reads on a replica (a PostgreSQL hot standby refuses SERIALIZABLE). */
    private readonly replicaReadIsolation?: Isolation,
  ) {}

  async open(_test: Test, node: string): Promise<Client> {
    const c = new SqlRegisterClient(this.target, this.replicaReadIsolation);
    const schema = [registersDdl(this.target)];
    c.writes = new ConnSlot(this.target, this.target.writer(node), schema);
    c.reads = node === this.target.writer(node) ? c.writes : new ConnSlot(this.target, node);
    return c;
  }

  async setup(_test: Test): Promise<void> {
    const t = this.target.table('registers');
    const conn = await this.target.connect(this.target.setupNode());
    try {
      await this.target.prepare?.(conn);
      await conn.query(registersDdl(this.target));
      await conn.query(`DELETE FROM ${t}`);
    } finally {
      await conn.end().catch(() => conn.destroy());
    }
  }

  async invoke(_test: Test, op: Invocation): Promise<Completion> {
    const [k, v] = op.value as [number, unknown];
    const t = this.target.table('registers');
    const d = this.target.dialect;
    if (op.f === 'read') {
      const onReplica = this.reads !== this.writes;
      const target = onReplica && this.replicaReadIsolation ? { ...this.target, isolation: this.replicaReadIsolation } : this.target;
      const out = await runTxn(target, this.reads!, true, async (exec) => {
        const r = await exec(`SELECT val FROM ${t} WHERE id = ${d.param(1)}`, [k]);
        const val = r.rows[0]?.val;
        return val === undefined || val === null ? null : Number(val);
      });
      return out.completion ?? { type: 'ok', value: [k, out.value] };
    }
    if (op.f === 'write') {
      const s = d.writeUpsert(t, k, v as number);
      const out = await runTxn(this.target, this.writes!, false, (exec) => exec(s.sql, s.params));
      return out.completion ?? { type: 'ok', value: [k, v] };
    }
    if (op.f === 'cas') {
      const [from, to] = v as [number, number];
      let matched = false;
      const out = await runTxn(this.target, this.writes!, false, async (exec) => {
        const r = await exec(`UPDATE ${t} SET val = ${d.param(1)} WHERE id = ${d.param(2)} AND val = ${d.param(3)}`, [to, k, from]);
        matched = r.rowCount > 0;
      });
      if (out.completion) return out.completion;
      // The transaction committed without changing anything: a definite failed cas.
      return matched ? { type: 'ok', value: [k, [from, to]] } : { type: 'fail', error: 'cas-mismatch' };
    }
    throw new FaultlineError('UNSUPPORTED', `register client has no op ${op.f}`);
  }

  async close(): Promise<void> {
    await this.writes?.close();
    if (this.reads !== this.writes) await this.reads?.close();
  }
}

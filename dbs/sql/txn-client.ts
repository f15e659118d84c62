// The list-append and rw-register clients over SQL, with Jepsen's schema choices: a few tables
// (key k lives in table k mod 3), one row per key (id, sk, val); an append is one
// INSERT … ON CONFLICT/ON DUPLICATE KEY UPDATE that concatenates `,elem` to the row's text, a
// register write is the same upsert setting the value, a read selects the row. Each operation is
// one transaction at the run's isolation level, on the node that takes the client's writes
// (the primary; with Galera, the client's own node).

import { FaultlineError } from '../../src/errors.js';
import type { Client, Completion, Invocation, Test } from '../../src/protocols.js';
import type { SqlTarget } from './conn.js';
import { ConnSlot, runTxn, type Exec } from './txn-runner.js';

export type TxnKind = 'list-append' | 'rw-register';
const TABLES = 3;
type MicroOp = [string, unknown, unknown];

export function txnTable(target: SqlTarget, kind: TxnKind, key: number): string {
  return target.table(`${kind === 'list-append' ? 'append' : 'rw'}${((key % TABLES) + TABLES) % TABLES}`);
}

/** The workload's tables, as idempotent DDL. */
function txnDdl(target: SqlTarget, kind: TxnKind): string[] {
  const valType = kind === 'list-append' ? target.dialect.textType : 'int';
  return Array.from({ length: TABLES }, (_, i) => `CREATE TABLE IF NOT EXISTS ${txnTable(target, kind, i)} (id int NOT NULL PRIMARY KEY, sk int NOT NULL, val ${valType})`);
}

/** Creates the workload's tables (empty), on a connection to the primary. */
export async function createTxnTables(target: SqlTarget, exec: Exec, kind: TxnKind): Promise<void> {
  for (const [i, ddl] of txnDdl(target, kind).entries()) {
    await exec(ddl);
    await exec(`DELETE FROM ${txnTable(target, kind, i)}`);
  }
}

function keyOf(k: unknown): number {
  if (typeof k !== 'number' || !Number.isSafeInteger(k)) throw new FaultlineError('UNSUPPORTED', `SQL transaction keys must be integers, got ${JSON.stringify(k)}`);
  return k;
}

/** Parses a list-append row's text ("1,2,3") into its elements. */
export function parseList(v: unknown): number[] {
  if (v === null || v === undefined || v === '') return [];
  return String(v).split(',').map((x) => Number(x));
}

export class SqlTxnClient implements Client {
  private slot?: ConnSlot;
  constructor(
    private readonly target: SqlTarget,
    private readonly kind: TxnKind,
  ) {}

  async open(_test: Test, node: string): Promise<Client> {
    const c = new SqlTxnClient(this.target, this.kind);
    c.slot = new ConnSlot(this.target, this.target.writer(node), txnDdl(this.target, this.kind));
    return c;
  }

  async setup(_test: Test): Promise<void> {
    const conn = await this.target.connect(this.target.setupNode());
    try {
      await this.target.prepare?.(conn);
      await createTxnTables(this.target, (s, p) => conn.query(s, p), this.kind);
    } finally {
      await conn.end().catch(() => conn.destroy());
    }
  }

  async invoke(_test: Test, op: Invocation): Promise<Completion> {
    if (op.f !== 'txn') throw new FaultlineError('UNSUPPORTED', `${this.kind} client has no op ${op.f}`);
    const mops = op.value as MicroOp[];
    const readOnly = mops.every((m) => m[0] === 'r');
    const d = this.target.dialect;
    const out = await runTxn(this.target, this.slot!, readOnly, async (exec) => {
      const done: MicroOp[] = [];
      for (const [f, k, v] of mops) {
        const key = keyOf(k);
        const t = txnTable(this.target, this.kind, key);
        if (f === 'r') {
          const r = await exec(`SELECT val FROM ${t} WHERE id = ${d.param(1)}`, [key]);
          const raw = r.rows[0]?.val;
          done.push([f, k, this.kind === 'list-append' ? parseList(raw) : raw === undefined ? null : raw]);
        } else if (f === 'append' && this.kind === 'list-append') {
          const s = d.appendUpsert(t, key, String(v));
          await exec(s.sql, s.params);
          done.push([f, k, v]);
        } else if (f === 'w' && this.kind === 'rw-register') {
          const s = d.writeUpsert(t, key, v as number);
          await exec(s.sql, s.params);
          done.push([f, k, v]);
        } else {
          throw new FaultlineError('UNSUPPORTED', `${this.kind} micro-op ${f}`);
        }
      }
      return done;
    });
    return out.completion ?? { type: 'ok', value: out.value };
  }

  async close(): Promise<void> {
    await this.slot?.close();
  }
}

// Runs one client operation as one SQL transaction and turns its outcome into a completion,
// definite where it can be: an error before COMMIT was sent means the transaction did not commit
// (`fail`), so does an error the server answered to COMMIT; a connection lost or timed out while
// COMMIT was in flight is indeterminate (`info`). Read-only transactions always fail definitely.
// A deadline drops the connection, which makes the server roll back what was not committed.

import type { Completion } from '../../src/protocols.js';
import type { SqlConn, SqlErrorInfo, SqlTarget } from './conn.js';

/** A statement runner handed to a transaction body; it refuses to run after the deadline. */
export type Exec = (sql: string, params?: readonly unknown[]) => Promise<{ rows: Array<Record<string, unknown>>; rowCount: number }>;

/** Thrown by a body to end the transaction with a definite failure (e.g. insufficient funds). */
export class Abort extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

export class TimeoutError extends Error {
  constructor(ms: number) {
    super(`no answer within ${ms} ms`);
  }
}

/** One connection to one node, reopened lazily after it broke. */
export class ConnSlot {
  private conn?: SqlConn;
  private opening?: Promise<SqlConn>;
  constructor(
    private readonly target: SqlTarget,
    readonly node: string,
    /**
     * The client's idempotent DDL (CREATE TABLE IF NOT EXISTS), run again when a table the setup
     * created has vanished (a power failure with fsync off can lose it): the table comes back
     * empty, so later reads show the loss to the checker instead of failing for the rest of the run.
     */
    readonly schema: readonly string[] = [],
  ) {}

  async get(): Promise<SqlConn> {
    if (this.conn) return this.conn;
    this.opening ??= this.target.connect(this.node).finally(() => (this.opening = undefined));
    this.conn = await this.opening;
    return this.conn;
  }

  /** Forgets a connection that may be broken or mid-transaction. */
  drop(): void {
    this.conn?.destroy();
    this.conn = undefined;
  }

  async close(): Promise<void> {
    const c = this.conn;
    this.conn = undefined;
    // A paused or cut-off server never answers a goodbye: do not wait for one.
    if (c) await Promise.race([c.end().catch(() => c.destroy()), new Promise((r) => setTimeout(r, 500))]).then(() => c.destroy());
  }
}

/** Runs the client's DDL again after a table vanished; says what it did, for the op's error. */
async function recreate(conn: SqlConn, schema: readonly string[]): Promise<string> {
  try {
    for (const s of schema) await conn.query(s);
    return '; the table the setup created is gone (data lost): re-created it empty';
  } catch (e) {
    return `; the table the setup created is gone, and re-creating it failed: ${String((e as Error)?.message ?? e).split('\n')[0]}`;
  }
}

export interface TxnOutcome<T> {
  value?: T;
  completion?: Completion;
}

/**
 * Runs `body` inside BEGIN … COMMIT on the slot's connection at the target's isolation level.
 * `readOnly` transactions fail definitely on any error. Returns the body's value on commit.
 */
export async function runTxn<T>(target: SqlTarget, slot: ConnSlot, readOnly: boolean, body: (exec: Exec) => Promise<T>): Promise<TxnOutcome<T>> {
  let conn: SqlConn;
  try {
    conn = await slot.get();
  } catch (e) {
    // Never connected: nothing was sent.
    return { completion: { type: 'fail', error: `connect: ${target.dialect.classify(e).message}` } };
  }
  let commitSent = false;
  let timedOut = false;
  // The deadline rejects the statement in flight itself (a driver may not notice a dropped
  // socket at once), then drops the connection so the server rolls back what was not committed.
  let expire!: (e: Error) => void;
  const deadline = new Promise<never>((_, reject) => (expire = reject));
  deadline.catch(() => {});
  const timer = setTimeout(() => {
    timedOut = true;
    expire(new TimeoutError(target.timeoutMs));
    slot.drop();
  }, target.timeoutMs);
  const exec: Exec = (sql, params) => {
    if (timedOut) return Promise.reject(new TimeoutError(target.timeoutMs));
    return Promise.race([conn.query(sql, params), deadline]);
  };
  try {
    for (const s of target.dialect.begin(target.isolation)) await exec(s);
    let value: T;
    try {
      value = await body(exec);
    } catch (e) {
      if (e instanceof Abort) {
        await exec('ROLLBACK').catch(() => slot.drop());
        return { completion: { type: 'fail', error: e.reason } };
      }
      throw e;
    }
    commitSent = true;
    await exec('COMMIT');
    return { value };
  } catch (e) {
    const info: SqlErrorInfo = timedOut || e instanceof TimeoutError
      ? { kind: 'timeout', serverAnswered: false, message: `no answer within ${target.timeoutMs} ms` }
      : target.dialect.classify(e);
    if (info.serverAnswered) {
      // The connection still works: end the aborted transaction so the next op starts clean.
      await exec('ROLLBACK').catch(() => slot.drop());
    } else {
      slot.drop();
    }
    let error = info.code ? `${info.kind} (${info.code}): ${info.message}` : `${info.kind}: ${info.message}`;
    if (info.kind === 'table-missing' && slot.schema.length && !timedOut) error += await recreate(conn, slot.schema);
    const definite = readOnly || !commitSent || info.serverAnswered;
    return { completion: { type: definite ? 'fail' : 'info', error } };
  } finally {
    clearTimeout(timer);
  }
}

// What the SQL clients need from a database driver: a connection that runs one statement at a
// time and can be dropped at once, and a dialect that says how this database spells the few
// statements that differ (transaction start, upsert, placeholders) and what its errors mean.
// The PostgreSQL (`pg`) and MariaDB (`mysql2`) plugins each implement these; the workload clients
// in this folder are written once against them.

export type Isolation = 'serializable' | 'repeatable-read' | 'read-committed';
export const ISOLATIONS: readonly Isolation[] = ['serializable', 'repeatable-read', 'read-committed'];

/** Where and as whom a client connects. */
export interface SqlAddress {
  host: string;
  port: number;
  user: string;
  password?: string;
  database: string;
}

/** A node's address from its endpoint: a URL's user, password and database, else the defaults. */
export function sqlAddress(e: { host: string; port: number; user?: string; password?: string; path?: string }, dflt: { user: string; database: string }): SqlAddress {
  return { host: e.host, port: e.port, user: e.user ?? dflt.user, ...(e.password !== undefined ? { password: e.password } : {}), database: e.path ?? dflt.database };
}

export interface SqlResult {
  rows: Array<Record<string, unknown>>;
  /** Rows inserted, updated or deleted (for UPDATE: rows matched). */
  rowCount: number;
}

export interface SqlConn {
  query(sql: string, params?: readonly unknown[]): Promise<SqlResult>;
  /** Drops the connection at once; a statement in flight rejects. The server rolls back an open transaction. */
  destroy(): void;
  /** Closes politely (the server sees a goodbye). */
  end(): Promise<void>;
}

/** What a failed statement tells about the transaction. */
export interface SqlErrorInfo {
  /**
   * Short stable name for the history: 'serialization-failure', 'deadlock', 'connection-lost', ...
   * 'table-missing': a table the setup created (and committed) is gone - the database lost it.
   */
  kind: string;
  /** The server answered: the statement (and, for COMMIT, the transaction) surely did not take effect. */
  serverAnswered: boolean;
  /** SQLSTATE or server error number, when there is one. */
  code?: string;
  message: string;
}

export interface Statement {
  sql: string;
  params: unknown[];
}

export interface SqlDialect {
  readonly name: string;
  /** Placeholder for the i-th parameter (1-based): `$1` or `?`. */
  param(i: number): string;
  /** Statements that open a transaction at an isolation level. */
  begin(isolation: Isolation): string[];
  /** Appends `,elem` to a list-append row (id, sk, val), inserting the row when absent. */
  appendUpsert(table: string, id: number, elem: string): Statement;
  /** Writes a register row (id, sk, val), inserting it when absent. */
  writeUpsert(table: string, id: number, value: number): Statement;
  /** Quotes an identifier. */
  ident(name: string): string;
  /** Text column type that holds a growing list. */
  readonly textType: string;
  classify(e: unknown): SqlErrorInfo;
}

export interface SqlTarget {
  dialect: SqlDialect;
  /** Opens a connection to a node; rejects when it cannot connect (nothing was sent). */
  connect(node: string): Promise<SqlConn>;
  /** The node a client bound to `node` sends its transactions to (a primary, or itself where every node takes writes). */
  writer(node: string): string;
  /** The node that creates the tables before the run. */
  setupNode(): string;
  /** A table's name as it must appear in SQL: plain, in a per-run schema, or with a per-run prefix. */
  table(name: string): string;
  /** Statements run once before the workload (creating a per-run schema...). */
  prepare?(conn: SqlConn): Promise<void>;
  /** Client-side deadline of one operation, in ms. */
  timeoutMs: number;
  isolation: Isolation;
}

// Option handling shared by the Maelstrom-protocol db plugins (raft, gossip, maelstrom/--bin).

import { badArgument } from '../errors.js';
import type { DbOptions } from '../../dbs/registry.js';

/** `--db-option timeout-ms=N`: client request timeout (default 1000 ms). */
export function requestTimeoutMs(opts: DbOptions): number {
  const raw = opts.dbOptions['timeout-ms'];
  if (raw === undefined) return 1000;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw badArgument(`timeout-ms must be a positive number of ms, got ${JSON.stringify(raw)}`, '--db-option timeout-ms');
  return n;
}

/** Rejects a `--bug` the db does not have, listing the ones it has. */
export function checkBug(db: string, bug: string | undefined, bugs: Readonly<Record<string, string>>): void {
  if (bug === undefined || bug in bugs) return;
  const known = Object.keys(bugs);
  throw badArgument(`db ${db} has no bug ${JSON.stringify(bug)}${known.length ? `; known bugs: ${known.join(', ')}` : ''}`, '--bug');
}

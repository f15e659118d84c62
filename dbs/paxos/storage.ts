// Durable acceptor state of the Multi-Paxos node: the highest ballot promised and, per slot, the
// value accepted with its ballot, as an append-only JSON-lines file in the node's data directory,
// written synchronously before any reply that depends on it (so SIGKILL loses nothing promised).
// The forget-promises bug keeps it all in memory: a restarted acceptor has forgotten everything.

import { closeSync, existsSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export interface Accepted<V> {
  ballot: number;
  value: V;
}

export class AcceptorStore<V> {
  promised = 0;
  readonly accepted = new Map<number, Accepted<V>>();
  private readonly fd: number | null;

  constructor(dir: string, durable: boolean) {
    const path = join(dir, 'paxos.jsonl');
    if (!durable) {
      this.fd = null;
      return;
    }
    if (existsSync(path)) {
      for (const line of readFileSync(path, 'utf8').split('\n')) {
        if (!line) continue;
        let r: { p?: number; s?: number; b?: number; v?: V };
        try {
          r = JSON.parse(line) as typeof r;
        } catch {
          continue; // a torn last line
        }
        if (r.p !== undefined) this.promised = Math.max(this.promised, r.p);
        if (r.s !== undefined && r.b !== undefined) {
          this.accepted.set(r.s, { ballot: r.b, value: r.v as V });
          // Accepting a ballot promised it (accept() raises `promised` without a `p` record).
          this.promised = Math.max(this.promised, r.b);
        }
      }
    }
    this.fd = openSync(path, 'a');
  }

  promise(ballot: number): void {
    this.promised = ballot;
    this.write({ p: ballot });
  }

  /** Accepts values for slots with one ballot (one write for them all). */
  accept(ballot: number, entries: readonly (readonly [number, V])[]): void {
    this.promised = Math.max(this.promised, ballot);
    for (const [slot, value] of entries) this.accepted.set(slot, { ballot, value });
    this.write(...entries.map(([s, v]) => ({ s, b: ballot, v })));
  }

  private write(...rs: object[]): void {
    if (this.fd !== null && rs.length) writeSync(this.fd, rs.map((r) => JSON.stringify(r) + '\n').join(''));
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
  }
}

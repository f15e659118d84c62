// Durable Raft state (current term, vote, log) as an append-only JSON-lines file in the node's
// data directory. Every change is written with a synchronous write before the node sends any
// message that depends on it, so SIGKILL at any point loses nothing that was acknowledged.
// (No fsync: the process may die, the machine does not.) A torn last line is ignored on replay.

import { closeSync, existsSync, openSync, readFileSync, truncateSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export interface RaftEntry<Op> {
  term: number;
  /** null is the no-op a new leader appends to commit entries of earlier terms. */
  op: Op | null;
}

interface TermRecord {
  k: 'tv';
  t: number;
  v: string | null;
}
interface AppendRecord<Op> {
  k: 'a';
  /** Index of the first entry; anything at or after it is replaced. */
  i: number;
  e: RaftEntry<Op>[];
}

export class RaftStorage<Op> {
  term = 0;
  votedFor: string | null = null;
  /** log[0] is a sentinel of term 0; entries are 1-indexed. */
  readonly log: RaftEntry<Op>[] = [{ term: 0, op: null }];
  private readonly fd: number;
  readonly recovered: boolean;

  constructor(dir: string, file = 'raft.jsonl') {
    const path = join(dir, file);
    this.recovered = existsSync(path);
    if (this.recovered) {
      const text = readFileSync(path, 'utf8');
      // Cut a torn last line, or the next record would be glued to it and lost too.
      const end = text.lastIndexOf('\n') + 1;
      if (end < text.length) truncateSync(path, Buffer.byteLength(text.slice(0, end)));
      this.replay(text.slice(0, end));
    }
    this.fd = openSync(path, 'a');
  }

  private replay(text: string): void {
    for (const line of text.split('\n')) {
      if (!line) continue;
      let r: TermRecord | AppendRecord<Op>;
      try {
        r = JSON.parse(line) as TermRecord | AppendRecord<Op>;
      } catch {
        continue; // torn write at the end
      }
      if (r.k === 'tv') {
        this.term = r.t;
        this.votedFor = r.v;
      } else if (r.k === 'a') {
        this.log.length = Math.min(this.log.length, r.i);
        for (const e of r.e) this.log.push(e);
      }
    }
  }

  get lastIndex(): number {
    return this.log.length - 1;
  }

  lastTerm(): number {
    return this.log[this.log.length - 1]!.term;
  }

  setTermVote(term: number, votedFor: string | null): void {
    if (term === this.term && votedFor === this.votedFor) return;
    this.term = term;
    this.votedFor = votedFor;
    this.sync();
    this.write({ k: 'tv', t: term, v: votedFor });
  }

  /** First index of entries held only in memory (appendLazily), not yet on disk. */
  private lazyFrom: number | undefined;

  /** Replaces everything from `index` on with `entries` (index <= lastIndex + 1). */
  putFrom(index: number, entries: RaftEntry<Op>[]): void {
    if (index > this.log.length) throw new Error(`log gap: put at ${index}, last index ${this.lastIndex}`);
    // Unwritten entries that this put replaces are simply forgotten; ones it keeps go first.
    if (this.lazyFrom !== undefined && index <= this.lazyFrom) this.lazyFrom = undefined;
    this.sync();
    this.log.length = index;
    for (const e of entries) this.log.push(e);
    this.write({ k: 'a', i: index, e: entries });
  }

  append(entry: RaftEntry<Op>): number {
    this.putFrom(this.log.length, [entry]);
    return this.lastIndex;
  }

  /**
   * Appends in memory only: written by the next sync (or any other write). For the early-ack bug,
   * whose leader acknowledges entries it has not stored: SIGKILL before the sync loses them.
   */
  appendLazily(entry: RaftEntry<Op>): number {
    this.lazyFrom ??= this.log.length;
    this.log.push(entry);
    return this.lastIndex;
  }

  /** Writes the entries appended lazily, if any. */
  sync(): void {
    if (this.lazyFrom === undefined) return;
    const from = this.lazyFrom;
    this.lazyFrom = undefined;
    this.write({ k: 'a', i: from, e: this.log.slice(from) });
  }

  private write(r: TermRecord | AppendRecord<Op>): void {
    writeSync(this.fd, JSON.stringify(r) + '\n');
  }

  close(): void {
    closeSync(this.fd);
  }
}

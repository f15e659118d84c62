// The coordinator's durable log, one JSON record a line: `begin` (a transfer and its
// participants, before any branch is prepared), `commit` (the decision and the participants it
// names; fsynced before any branch commits: this record is what makes a transaction committed),
// `end`, and `resolved` (what a recovery pass did). Read back whole when a coordinator starts.

import { closeSync, existsSync, fdatasyncSync, openSync, readFileSync, writeSync } from 'node:fs';
import type { Transfer } from '../../../workloads/bank.js';

export type LogRecord =
  | { t: 'begin'; gid: string; transfer: Transfer; participants: string[] }
  | { t: 'commit'; gid: string; participants: string[] }
  | { t: 'end'; gid: string }
  | { t: 'resolved'; gid: string; participant: string; resolution: 'commit' | 'rollback'; reason: string; done: boolean };

export class CoordinatorLog {
  private readonly fd: number;
  readonly decisions = new Map<string, string[]>();
  readonly begins = new Map<string, Transfer>();
  /** Highest transaction number in the log (a restarted coordinator continues after it). */
  maxSeq = 0;

  constructor(
    readonly path: string,
    private readonly gidPrefix: string,
  ) {
    let torn = false;
    if (existsSync(path)) {
      const text = readFileSync(path, 'utf8');
      torn = text.length > 0 && !text.endsWith('\n');
      for (const line of text.split('\n')) {
        if (!line.trim()) continue;
        let r: LogRecord;
        try {
          r = JSON.parse(line) as LogRecord;
        } catch {
          continue; // a line torn by a kill: it was never acknowledged to anyone
        }
        this.note(r);
      }
    }
    this.fd = openSync(path, 'a');
    // End a torn line, so the next record starts on a line of its own.
    if (torn) writeSync(this.fd, '\n');
  }

  private note(r: LogRecord): void {
    if (r.t === 'commit') this.decisions.set(r.gid, r.participants);
    if (r.t === 'begin') this.begins.set(r.gid, r.transfer);
    const n = Number(r.gid.slice(this.gidPrefix.length));
    if (Number.isSafeInteger(n)) this.maxSeq = Math.max(this.maxSeq, n);
  }

  /** Appends a record; `durable` waits until it is on disk. */
  append(r: LogRecord, durable = false): void {
    writeSync(this.fd, JSON.stringify(r) + '\n');
    if (durable) fdatasyncSync(this.fd);
    this.note(r);
  }

  close(): void {
    closeSync(this.fd);
  }
}

// The message log behind the report's Lamport diagram: one JSON line per message in
// `<run dir>/net.jsonl`, written once its fate is known (delivered, dropped, or still in flight at
// teardown), with its send and delivery times in the history's clock (ns since the test start).
// Lines are buffered briefly and written in batches; the log stops at `maxMessages` (counts go on
// in NetStats) so a long run's log stays bounded; a write error stops it and is reported, never
// thrown: the log is evidence, not part of the verdict.

import { closeSync, openSync, writeSync } from 'node:fs';
import type { NetLogInfo } from '../net-facts.js';
import type { Message } from './protocol.js';

export const NET_LOG_FILE = 'net.jsonl';
/** About 120 bytes a line: 200,000 messages are some 24 MB. */
export const DEFAULT_MAX_MESSAGES = 200_000;

export type MessageFate = 'delivered' | 'partitioned' | 'lost' | 'unroutable' | 'in-flight';

/** One line of net.jsonl. `at`: delivery or drop time; null for a message still in flight at the end. */
export interface NetLogLine {
  src: string;
  dest: string;
  type: string;
  sent: number;
  at: number | null;
  fate: MessageFate;
  msg_id?: number;
  in_reply_to?: number;
}

export class NetJournal {
  private fd: number;
  private buf: string[] = [];
  private timer: NodeJS.Timeout | null = null;
  private written = 0;
  private truncated = false;
  private error: string | undefined;

  constructor(
    private readonly path: string,
    private readonly file = NET_LOG_FILE,
    private readonly maxMessages = DEFAULT_MAX_MESSAGES,
  ) {
    try {
      this.fd = openSync(path, 'w');
    } catch (e) {
      this.fd = -1;
      this.error = `cannot open ${path}: ${(e as Error).message}`;
    }
  }

  /** Logs one message whose fate is known. */
  add(m: Message, sent: number, at: number | null, fate: MessageFate): void {
    if (this.fd < 0) return;
    if (this.written + this.buf.length >= this.maxMessages) {
      this.truncated = true;
      return;
    }
    const line: NetLogLine = { src: m.src, dest: m.dest, type: String(m.body.type), sent, at, fate };
    if (typeof m.body.msg_id === 'number') line.msg_id = m.body.msg_id;
    if (typeof m.body.in_reply_to === 'number') line.in_reply_to = m.body.in_reply_to;
    this.buf.push(JSON.stringify(line));
    if (this.buf.length >= 1000) this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), 200);
      this.timer.unref();
    }
  }

  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.fd < 0 || this.buf.length === 0) return;
    const data = Buffer.from(this.buf.join('\n') + '\n');
    const lines = this.buf.length;
    this.buf = [];
    try {
      let off = 0;
      while (off < data.length) off += writeSync(this.fd, data, off, data.length - off);
      this.written += lines;
    } catch (e) {
      this.error = `writing ${this.path}: ${(e as Error).message}`;
      this.close();
    }
  }

  close(): void {
    if (this.fd < 0) return;
    const fd = this.fd;
    if (!this.error) this.flush();
    this.fd = -1;
    try {
      closeSync(fd);
    } catch {
      // closed already
    }
  }

  info(): NetLogInfo {
    return { file: this.file, messages: this.written + this.buf.length, truncated: this.truncated, ...(this.error ? { error: this.error } : {}) };
  }
}

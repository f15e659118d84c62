// Live progress for `faultline run`: phase, elapsed time, ops so far by outcome, active faults.
// A TTY gets one line rewritten in place; anything else gets a plain line every few seconds.
// Text from outside (node messages, errors, values) has its control characters escaped: only
// this file's own line-rewrite sequence reaches the terminal.

import type { Op } from './history.js';
import type { FaultWindowSpec } from './protocols.js';
import { escapeControl } from './terminal.js';

export class Progress {
  phase = 'setup';
  private counts = { invoke: 0, ok: 0, fail: 0, info: 0 };
  private active = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private lastLine = '';
  private readonly tty: boolean;

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly windows: FaultWindowSpec[],
    private readonly elapsedS: () => number,
    private readonly quiet = false,
  ) {
    this.tty = Boolean(out.isTTY);
  }

  start(): void {
    if (this.quiet) return;
    this.timer = setInterval(() => this.render(), this.tty ? 500 : 5000);
    this.timer.unref();
  }

  setPhase(p: string): void {
    this.phase = p;
    this.line(`[${this.elapsedS().toFixed(1)}s] ${p}`);
  }

  record(op: Op): void {
    if (op.process === 'nemesis') {
      if (op.type === 'info') {
        for (const w of this.windows) {
          if (w.start.includes(op.f)) this.active.add(w.name);
          if (w.stop.includes(op.f)) this.active.delete(w.name);
        }
      }
      return;
    }
    this.counts[op.type]++;
  }

  status(): string {
    const c = this.counts;
    const faults = this.active.size ? [...this.active].join(',') : 'none';
    return `[${this.elapsedS().toFixed(1)}s] ${this.phase}: ${c.invoke} ops (${c.ok} ok, ${c.fail} fail, ${c.info} info), faults: ${faults}`;
  }

  private render(): void {
    const s = escapeControl(this.status());
    if (this.tty) {
      this.out.write(`\r\x1b[K${s}`);
      this.lastLine = s;
    } else {
      this.out.write(s + '\n');
    }
  }

  /** A line of its own (a phase change, a message). */
  line(s: string): void {
    if (this.quiet) return;
    if (this.tty && this.lastLine) {
      this.out.write('\r\x1b[K');
      this.lastLine = '';
    }
    this.out.write(escapeControl(s) + '\n');
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (!this.quiet) {
      if (this.tty) this.out.write('\r\x1b[K');
      this.out.write(escapeControl(this.status()) + '\n');
    }
  }
}

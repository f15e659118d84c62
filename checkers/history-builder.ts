// Building histories in memory, for tests and benchmarks: invoke/complete ops with explicit
// processes; indices are dense and time advances 1 ms per event unless given.

import type { History, Op, OpType, ProcessId } from '../src/history.js';

export class HistoryBuilder {
  readonly ops: Op[] = [];
  private t = 0;

  /** Append an event; returns its index. */
  event(type: OpType, process: ProcessId, f: string, value: unknown, extra: Record<string, unknown> = {}): number {
    this.t = typeof extra.time === 'number' ? extra.time : this.t + 1_000_000;
    const op: Op = { index: this.ops.length, time: this.t, type, process, f, value, ...extra } as Op;
    op.time = this.t;
    this.ops.push(op);
    return op.index;
  }
  invoke(process: ProcessId, f: string, value: unknown = null, extra: Record<string, unknown> = {}): number {
    return this.event('invoke', process, f, value, extra);
  }
  complete(type: Exclude<OpType, 'invoke'>, process: ProcessId, f: string, value: unknown = null, extra: Record<string, unknown> = {}): number {
    return this.event(type, process, f, value, extra);
  }
  /** An op invoked and completed at once. Returns the completion's index. */
  op(process: ProcessId, f: string, value: unknown, type: Exclude<OpType, 'invoke'> = 'ok', out: unknown = value, extra: Record<string, unknown> = {}): number {
    this.invoke(process, f, value, extra);
    return this.complete(type, process, f, out, extra);
  }
  history(): History {
    return this.ops;
  }
}

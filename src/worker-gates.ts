// Per-worker gates for client-side faults (the stall nemesis): a closed gate keeps a client thread
// from starting its next op (the controller does not count it as free) and freezes its client's
// background traffic, like a GC or VM pause of that client between two of its operations. The run
// wires it in three places: the controller asks `closed`, the recorder feeds `observe`, and each
// worker attaches its client's freeze/thaw.

import type { Op } from './history.js';
import type { WorkerControl } from './protocols.js';

export interface ClientFreezer {
  freeze(): void;
  thaw(): void;
}

export class WorkerGates implements WorkerControl {
  private readonly closedSet = new Set<number>();
  private readonly lastOp = new Map<number, Op>();
  private readonly freezers = new Map<number, ClientFreezer>();
  private readonly listeners = new Set<(thread: number, closed: boolean) => void>();

  constructor(private readonly concurrency: number) {}

  threads(): number[] {
    return Array.from({ length: this.concurrency }, (_, i) => i);
  }

  /** The thread a client process runs on (a crashed process's successor is process + concurrency). */
  threadOf(process: unknown): number | undefined {
    return typeof process === 'number' ? process % this.concurrency : undefined;
  }

  private readonly traps = new Set<{ pred: (op: Op) => boolean; fire: (t: number) => void }>();

  /** Called with every recorded op, before the controller frees the op's thread. */
  observe(op: Op): void {
    const t = this.threadOf(op.process);
    if (t === undefined) return;
    this.lastOp.set(t, op);
    if (op.type === 'invoke' || this.closedSet.has(t)) return;
    for (const trap of this.traps) {
      if (!trap.pred(op)) continue;
      this.traps.delete(trap);
      this.stall(t);
      trap.fire(t);
      return;
    }
  }

  stallWhen(pred: (op: Op) => boolean, timeoutMs: number): Promise<number | undefined> {
    return new Promise((resolve) => {
      const trap = {
        pred,
        fire: (t: number) => {
          clearTimeout(timer);
          resolve(t);
        },
      };
      const timer = setTimeout(() => {
        this.traps.delete(trap);
        resolve(undefined);
      }, timeoutMs);
      this.traps.add(trap);
    });
  }

  last(thread: number): Op | undefined {
    return this.lastOp.get(thread);
  }

  attach(thread: number, f: ClientFreezer): void {
    this.freezers.set(thread, f);
  }

  closed(thread: unknown): boolean {
    return typeof thread === 'number' && this.closedSet.has(thread);
  }

  /** The controller listens: a gate that opens frees its thread, one that closes takes it back. */
  subscribe(f: (thread: number, closed: boolean) => void): () => void {
    this.listeners.add(f);
    return () => this.listeners.delete(f);
  }

  stall(thread: number): void {
    if (this.closedSet.has(thread)) return;
    this.closedSet.add(thread);
    this.freezers.get(thread)?.freeze();
    for (const f of this.listeners) f(thread, true);
  }

  resume(thread: number): void {
    if (!this.closedSet.delete(thread)) return;
    this.freezers.get(thread)?.thaw();
    for (const f of this.listeners) f(thread, false);
  }

  stalled(): number[] {
    return [...this.closedSet].sort((a, b) => a - b);
  }
}

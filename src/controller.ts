// The controller (Jepsen's interpreter): drives one generator with N client threads and one
// nemesis thread, records every invocation and completion, and applies Jepsen's rules: a client
// op that throws or times out is `info` and its process is replaced by a fresh id (the op stays
// concurrent with everything after it); a definite failure is `fail`.

import type { Op, OpType, ProcessId } from './history.js';
import type { Completion, Invocation } from './protocols.js';
import type { GenContext, Generator, PlannedOp, Thread } from './generator/core.js';
import type { Rng } from './rng.js';

/** Runs one op on a thread. Client workers may throw: that is an indeterminate outcome. */
export interface Worker {
  invoke(op: Invocation): Promise<Completion>;
  /** Called after an op crashed: the worker should drop its connection and open a fresh one. */
  crashed?(newProcess: ProcessId): Promise<void> | void;
}

export interface ControllerOptions {
  concurrency: number;
  generator: Generator | null;
  /** Client workers by thread; thread 'nemesis' for the nemesis. */
  workers: Map<Thread, Worker>;
  rng: Rng;
  /** ns since test start. */
  now: () => number;
  /** Called with every op as it is recorded (history writer, progress). */
  record: (op: Op) => void;
  log?: (msg: string) => void;
  /** Per-op timeout for client ops in ms; past it the op is `info` (default 10 s). */
  opTimeoutMs?: number;
  signal?: AbortSignal;
  /** The node a thread's client is bound to, recorded on its ops. */
  nodeFor?: (thread: Thread) => string | undefined;
  /** Index of the first op (when appending to a history). */
  startIndex?: number;
  /**
   * Per-thread gates (client-side faults): a thread whose gate is closed is not free, so it starts
   * no op until the gate opens; an op it is running completes normally.
   */
  gates?: {
    closed(thread: Thread): boolean;
    subscribe(f: (thread: number, closed: boolean) => void): () => void;
  };
}

interface Outstanding {
  thread: Thread;
  invoke: Op;
  deadline: number;
  done: boolean;
}

interface Done {
  out: Outstanding;
  completion: Completion;
  crashed: boolean;
}

export interface ControllerResult {
  /** Ops recorded. */
  count: number;
  /** True when stopped by the abort signal. */
  aborted: boolean;
}

/** Runs the generator to exhaustion (or until aborted). */
export async function runController(o: ControllerOptions): Promise<ControllerResult> {
  const threads: Thread[] = [...Array.from({ length: o.concurrency }, (_, i) => i), 'nemesis'];
  const workers = new Map<Thread, ProcessId>(threads.map((t) => [t, t === 'nemesis' ? 'nemesis' : t]));
  const processThreads = new Map<ProcessId, Thread>(threads.map((t) => [t === 'nemesis' ? 'nemesis' : t, t]));
  // The free threads, with a cached sorted list: the generator asks for it on every op. And when
  // each last started an op: the generator gives the next op to the free thread that waited longest.
  const freeSet = new Set<Thread>(threads);
  const lastOpAt = new Map<Thread, number>(threads.map((t) => [t, 0]));
  let freeCache: Thread[] | null = null;
  const free = {
    has: (t: Thread) => freeSet.has(t),
    add: (t: Thread) => { freeSet.add(t); freeCache = null; },
    delete: (t: Thread) => { freeSet.delete(t); freeCache = null; },
    get size() { return freeSet.size; },
  };
  // Threads that finished their op while their gate was closed: freed when it opens.
  const gated = new Set<Thread>();
  const release = (t: Thread): void => {
    if (o.gates?.closed(t)) gated.add(t);
    else free.add(t);
  };
  const unsubscribe = o.gates?.subscribe((t, closed) => {
    if (closed && free.has(t)) {
      free.delete(t);
      gated.add(t);
    } else if (!closed && gated.delete(t)) {
      free.add(t);
      poke();
    }
  });
  const outstanding = new Map<Thread, Outstanding>();
  const done: Done[] = [];
  const opTimeoutNs = (o.opTimeoutMs ?? 10_000) * 1e6;
  let index = o.startIndex ?? 0;
  let gen = o.generator;
  let wake: (() => void) | null = null;
  const poke = (): void => {
    const w = wake;
    wake = null;
    w?.();
  };
  const onAbort = (): void => poke();
  o.signal?.addEventListener('abort', onAbort);

  const sleepers = new Set<NodeJS.Timeout>();
  const freeList = (): Thread[] => (freeCache ??= threads.filter((t) => freeSet.has(t)));
  const ctxNow = (): GenContext => ({ time: o.now(), freeThreads: freeList(), allThreads: threads, workers, processThreads, lastOpAt, rng: o.rng });

  const finish = (out: Outstanding, completion: Completion, crashed: boolean): void => {
    if (out.done) return;
    out.done = true;
    done.push({ out, completion, crashed });
    poke();
  };

  // Ops that never answer are timed out by a sweep rather than a timer per op (cheaper at high rates).
  const sweep = setInterval(() => {
    const t = o.now();
    for (const out of outstanding.values()) {
      if (!out.done && out.thread !== 'nemesis' && t > out.deadline) finish(out, { type: 'info', error: 'timeout' }, true);
    }
  }, 100);

  const complete = (d: Done): void => {
    const { out, completion } = d;
    const inv = out.invoke;
    let type: Exclude<OpType, 'invoke'> = completion.type;
    if (inv.process === 'nemesis') type = 'info'; // Jepsen records nemesis completions as info
    const { index: _i, time: _t, type: _ty, process: _p, f: _f, value: _v, ...extra } = inv;
    const op: Op = {
      ...extra,
      index: index++,
      time: o.now(),
      type,
      process: inv.process,
      f: inv.f,
      value: completion.value === undefined ? inv.value : completion.value,
    };
    if (completion.error !== undefined) op.error = completion.error;
    o.record(op);
    outstanding.delete(out.thread);
    if (gen) gen = gen.update(ctxNow(), op);
    // A crashed client process never runs again: its op may still take effect at any later time.
    if (type === 'info' && out.thread !== 'nemesis') {
      const next = (workers.get(out.thread) as number) + o.concurrency;
      processThreads.delete(inv.process);
      processThreads.set(next, out.thread);
      workers.set(out.thread, next);
      const w = o.workers.get(out.thread);
      const reopened = w?.crashed?.(next);
      if (reopened instanceof Promise) {
        reopened.then(() => { release(out.thread); poke(); }, () => { release(out.thread); poke(); });
        return;
      }
    }
    release(out.thread);
  };

  const dispatch = (planned: PlannedOp, thread: Thread): void => {
    free.delete(thread);
    lastOpAt.set(thread, o.now());
    if (planned.type === 'sleep') {
      const timer = setTimeout(() => { sleepers.delete(timer); release(thread); poke(); }, Number(planned.value) * 1000);
      sleepers.add(timer);
      return;
    }
    const { type: _t, time: _time, process, f, value, ...extra } = planned;
    const inv: Op = { ...extra, index: index++, time: o.now(), type: 'invoke', process, f, value };
    const node = o.nodeFor?.(thread);
    if (node !== undefined) inv.node = node;
    o.record(inv);
    const out: Outstanding = { thread, invoke: inv, deadline: inv.time + opTimeoutNs, done: false };
    outstanding.set(thread, out);
    if (gen) gen = gen.update(ctxNow(), inv);
    const worker = o.workers.get(thread);
    if (!worker) {
      finish(out, { type: 'fail', error: `no worker for thread ${thread}` }, false);
      return;
    }
    let p: Promise<Completion>;
    try {
      p = worker.invoke(inv);
    } catch (e) {
      p = Promise.reject(e);
    }
    p.then(
      (c) => finish(out, c && typeof c === 'object' && 'type' in c ? c : { type: 'info', error: 'client returned no completion' }, c?.type === 'info'),
      (e) => finish(out, { type: 'info', error: errorText(e) }, true),
    );
  };

  const waitFor = (ms: number | null): Promise<void> =>
    new Promise<void>((resolve) => {
      if (done.length > 0 || o.signal?.aborted) return resolve();
      let timer: NodeJS.Timeout | undefined;
      wake = () => { if (timer) clearTimeout(timer); resolve(); };
      if (ms !== null) timer = setTimeout(() => { wake = null; resolve(); }, Math.max(0, ms));
    });

  try {
    for (;;) {
      while (done.length > 0) complete(done.shift()!);
      if (o.signal?.aborted) break;
      const ctx = ctxNow();
      const res = gen ? gen.op(ctx) : null;
      if (res === null) {
        gen = null;
        if (outstanding.size === 0) break;
        await waitFor(null);
        continue;
      }
      if ('pending' in res) {
        gen = res.gen;
        await waitFor(outstanding.size > 0 ? 1000 : 10);
        continue;
      }
      const planned = res.op;
      if (planned.time > ctx.time + 100_000) {
        // Not yet: wait until then or until a completion changes the picture, then ask again.
        await waitFor((planned.time - ctx.time) / 1e6);
        continue;
      }
      const thread = processThreads.get(planned.process);
      if (thread === undefined || !free.has(thread)) throw new Error(`generator emitted an op for process ${String(planned.process)}, which is not free`);
      gen = res.gen;
      if (planned.type === 'log') {
        o.log?.(String(planned.value));
        continue;
      }
      dispatch(planned, thread);
      // Let completions of synchronous clients in before asking again, without a timer.
      if (free.size === 0) await waitFor(null);
    }
  } finally {
    clearInterval(sweep);
    for (const t of sleepers) clearTimeout(t);
    o.signal?.removeEventListener('abort', onAbort);
    unsubscribe?.();
  }
  return { count: index - (o.startIndex ?? 0), aborted: o.signal?.aborted ?? false };
}

function errorText(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}

// The one owner of SIGINT, SIGTERM and SIGHUP, and the one teardown path for what faultline
// started. Runs (and `serve`) subscribe with `onStop` and stop cleanly on the first signal: heal,
// tear down, keep the history. Resources (node processes, container clusters) register a cleanup:
// it runs when a signal arrives and nobody is there to stop cleanly (a cluster started outside a
// run), or when a second signal says "now". Its synchronous part (killing node processes) also
// runs at process exit, so no node outlives faultline however it ends short of SIGKILL.
//
// Library use installs the handlers only while something is registered; the CLI installs them
// for its whole life (`ownSignals`), so a signal always ends in a clean stop and exit 255.

import { escapeControl } from './terminal.js';

export type StopSignal = 'SIGINT' | 'SIGTERM' | 'SIGHUP';

export interface StopRequest {
  signal: StopSignal;
  /** Shown to the user: "SIGTERM", or "the parent process (npm, pid 12) exited". */
  reason: string;
}

export interface Cleanup {
  /** Full teardown (remove containers, kill and reap processes). */
  async?: () => Promise<void>;
  /** Best effort that cannot wait (at exit): kill processes by pid. */
  sync?: () => void;
}

const SIGNALS: readonly StopSignal[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
const SIGNAL_NUMBER: Record<StopSignal, number> = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };
/** How long a forced exit waits for asynchronous cleanups (container removal) before leaving. */
const FORCED_CLEANUP_MS = 10_000;

const stoppers = new Set<(r: StopRequest) => void>();
const cleanups = new Map<string, Cleanup>();
let installed = false;
let owned: { exitCode: number } | undefined;
let signalsSeen = 0;
let stopping = false;
let cleaning: Promise<void> | undefined;
const listeners = new Map<StopSignal, () => void>();

const say = (m: string): void => void process.stderr.write(escapeControl(`faultline: ${m}`) + '\n');

/** The CLI owns the process: signals always stop cleanly and exit with `exitCode`. */
export function ownSignals(opts: { exitCode: number }): void {
  owned = opts;
  install();
}

/** Subscribes a clean stopper (a run, a server); returns the unsubscribe function. */
export function onStop(stop: (r: StopRequest) => void): () => void {
  stoppers.add(stop);
  install();
  return () => {
    stoppers.delete(stop);
    maybeUninstall();
  };
}

/** Registers a resource's cleanup under a key; returns the unregister function (call it after a normal teardown). */
export function registerCleanup(key: string, c: Cleanup): () => void {
  cleanups.set(key, c);
  install();
  return () => {
    if (cleanups.get(key) === c) cleanups.delete(key);
    maybeUninstall();
  };
}

/** Runs every registered cleanup once, in parallel; failures are printed, not thrown. */
export function runCleanups(): Promise<void> {
  cleaning ??= (async () => {
    const all = [...cleanups.entries()];
    cleanups.clear();
    await Promise.all(
      all.map(async ([key, c]) => {
        try {
          if (c.async) await c.async();
          else c.sync?.();
        } catch (e) {
          say(`teardown of ${key} failed: ${(e as Error)?.message ?? String(e)}`);
        }
      }),
    );
  })().finally(() => {
    cleaning = undefined;
    maybeUninstall();
  });
  return cleaning;
}

/** The synchronous part of every cleanup (process kills); safe at exit. */
export function runSyncCleanups(): void {
  for (const c of cleanups.values()) {
    try {
      c.sync?.();
    } catch {
      // exiting anyway
    }
  }
}

/**
 * A stop request from a signal or from a watcher (the parent process died). A second *signal*
 * means "now": node processes are killed, containers removed (bounded), and the process exits.
 */
export function requestStop(r: StopRequest, fromSignal = true): void {
  if (fromSignal) signalsSeen++;
  if (stopping && (!fromSignal || signalsSeen < 2)) return;
  if (stopping) {
    say(`${r.reason} again: exiting now (nodes killed; anything left is removed by \`faultline sweep\`)`);
    void forceExit(owned?.exitCode ?? 128 + SIGNAL_NUMBER[r.signal]);
    return;
  }
  stopping = true;
  if (stoppers.size > 0) {
    // Subscribers finish on their own (and the CLI exits after them); the next signal forces.
    for (const s of [...stoppers]) s(r);
    return;
  }
  void (async () => {
    if (cleanups.size > 0) say(`${r.reason}: tearing down ${cleanups.size} cluster(s)`);
    await runCleanups();
    process.exit(owned?.exitCode ?? 128 + SIGNAL_NUMBER[r.signal]);
  })();
}

async function forceExit(code: number): Promise<void> {
  runSyncCleanups();
  await Promise.race([runCleanups(), new Promise((r) => setTimeout(r, FORCED_CLEANUP_MS).unref())]);
  process.exit(code);
}

function install(): void {
  if (installed) return;
  installed = true;
  for (const sig of SIGNALS) {
    const l = (): void => requestStop({ signal: sig, reason: sig });
    listeners.set(sig, l);
    process.on(sig, l);
  }
  process.on('exit', runSyncCleanups);
}

/** Library use: give the signals their default meaning back once nothing is registered. */
function maybeUninstall(): void {
  if (!installed || owned || stoppers.size > 0 || cleanups.size > 0 || cleaning) return;
  for (const [sig, l] of listeners) process.off(sig, l);
  listeners.clear();
  process.off('exit', runSyncCleanups);
  installed = false;
  stopping = false;
  signalsSeen = 0;
}

/** For tests: what is registered. */
export function registered(): { stoppers: number; cleanups: string[] } {
  return { stoppers: stoppers.size, cleanups: [...cleanups.keys()] };
}

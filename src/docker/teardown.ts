// Container clusters join the process-wide teardown path (src/signals.ts): their removal runs on
// a signal when no run is there to tear them down cleanly, and on a forced second signal. A run
// tears its cluster down itself and unregisters it. SIGKILL cannot be caught: `faultline sweep`
// removes what such a run left behind.

import { registerCleanup, runCleanups } from '../signals.js';

/** Registers a teardown under a key; returns a function that unregisters it (call after a normal teardown). */
export function onTeardown(key: string, fn: () => Promise<void>): () => void {
  return registerCleanup(key, { async: fn });
}

/** Runs every registered teardown once (errors are printed, not thrown). */
export function runTeardowns(): Promise<void> {
  return runCleanups();
}

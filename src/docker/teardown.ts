// Signal-safe teardown: resources registered here (clusters) are removed on SIGINT, SIGTERM
// and uncaught crashes, not only on a normal finish. SIGKILL cannot be caught; `faultline sweep`
// removes what such a run left behind.

type Teardown = () => Promise<void>;

const pending = new Map<string, Teardown>();
let installed = false;
let running: Promise<void> | undefined;

/** If other code also handles the signal (the run controller), give it this long to clean up first. */
const GRACE_MS = 15_000;

/** Registers a teardown under a key; returns a function that unregisters it (call after a normal teardown). */
export function onTeardown(key: string, fn: Teardown): () => void {
  install();
  pending.set(key, fn);
  return () => {
    if (pending.get(key) === fn) pending.delete(key);
  };
}

/** Runs every registered teardown once (errors are printed, not thrown). */
export function runTeardowns(): Promise<void> {
  running ??= (async () => {
    const all = [...pending.entries()];
    pending.clear();
    await Promise.all(
      all.map(async ([key, fn]) => {
        try {
          await fn();
        } catch (e) {
          process.stderr.write(`faultline: teardown of ${key} failed: ${(e as Error)?.message ?? String(e)}\n`);
        }
      }),
    );
  })().finally(() => (running = undefined));
  return running;
}

function install(): void {
  if (installed) return;
  installed = true;
  for (const [sig, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    process.on(sig, () => void onSignal(sig, code));
  }
  process.on('uncaughtException', (e) => void onCrash('uncaughtException', e));
  process.on('unhandledRejection', (e) => void onCrash('unhandledRejection', e));
}

async function onSignal(sig: NodeJS.Signals, code: number): Promise<void> {
  // Someone else handles this signal too (the run lifecycle heals faults and collects logs before
  // tearing the db down): let it, and step in only if our resources are still there afterwards.
  if (process.listenerCount(sig) > 1) {
    const deadline = Date.now() + GRACE_MS;
    while (pending.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    if (pending.size === 0) return;
  }
  if (pending.size > 0) process.stderr.write(`faultline: ${sig}: tearing down ${pending.size} cluster(s)\n`);
  await runTeardowns();
  process.exit(code);
}

async function onCrash(event: 'uncaughtException' | 'unhandledRejection', e: unknown): Promise<void> {
  // Another listener (a test runner, an embedding program) owns the process and decides whether
  // it goes on; tearing clusters down under code that keeps running would pull nodes away from
  // it. Say what happened and leave the clusters to their owners' teardown.
  if (process.listenerCount(event) > 1) {
    process.stderr.write(`faultline: ${event} while clusters are up (left to their owner): ${(e as Error)?.stack ?? String(e)}\n`);
    return;
  }
  process.stderr.write(`faultline: crashed: ${(e as Error)?.stack ?? String(e)}\n`);
  await runTeardowns();
  process.exit(255);
}

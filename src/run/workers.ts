// The run's client workers: one client per thread, bound to a node; a client whose op crashed
// is dropped and a fresh one opened (its connection state is unknown), and a client that could
// not be reopened makes the next op fail without sending anything. Every client ever opened is
// remembered so teardown closes them all.

import type { Worker } from '../controller.js';
import type { Thread } from '../generator/index.js';
import type { Client, Test } from '../protocols.js';
import type { WorkerGates } from '../worker-gates.js';

export interface Workers {
  workers: Map<Thread, Worker>;
  /** Every client opened so far (the first one ran the workload's setup). */
  opened: Client[];
}

/**
 * Opens `concurrency` clients (thread t on node `nodeFor(t)`); the first one runs the workload's
 * client setup. Each thread's client is attached to the gates (the stall nemesis freezes it).
 */
export async function openWorkers(test: Test, proto: Client, concurrency: number, nodeFor: (t: number) => string, gates: WorkerGates, opened: Client[] = []): Promise<Workers> {
  const workers = new Map<Thread, Worker>();
  for (let t = 0; t < concurrency; t++) {
    const node = nodeFor(t);
    let client: Client | null = await proto.open(test, node);
    opened.push(client);
    if (t === 0) await client.setup?.(test);
    gates.attach(t, { freeze: () => client?.freeze?.(), thaw: () => client?.thaw?.() });
    workers.set(t, {
      invoke: async (op) => {
        if (!client) {
          // Reopening after a crash failed: nothing was sent, so the op surely did not happen.
          try {
            client = await proto.open(test, node);
            opened.push(client);
          } catch (e) {
            return { type: 'fail', error: `client could not connect to ${node}: ${(e as Error).message}` };
          }
        }
        return client.invoke(test, op);
      },
      crashed: async () => {
        // A crashed op leaves the connection in an unknown state: drop it, open a fresh one.
        const old = client;
        client = null;
        await old?.close?.(test).catch(() => undefined);
        try {
          client = await proto.open(test, node);
          opened.push(client);
        } catch {
          client = null;
        }
      },
    });
  }
  return { workers, opened };
}

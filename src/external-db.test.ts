// ExternalDb: a spec's cleanup runs at teardown only after a setup that reached every node, once,
// and its failure is a warning (the run's verdict does not depend on it).

import { describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:net';
import { ExternalDb } from './external-db.js';
import type { Test } from './protocols.js';

function fakeTest(warnings: string[]): Test {
  return { nodes: ['n1'], runId: 'fl-x', log: { info: () => {}, warn: (m: string) => warnings.push(m) } } as unknown as Test;
}

async function listening(): Promise<{ server: Server; port: number }> {
  const server = createServer((s) => s.destroy());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as { port: number }).port };
}

describe('ExternalDb cleanup', () => {
  it('runs once after a setup that reached the nodes; a failure is warned', async () => {
    const { server, port } = await listening();
    try {
      const calls: string[] = [];
      const warnings: string[] = [];
      const db = new ExternalDb({
        name: 'x',
        nodes: [{ node: 'n1', host: '127.0.0.1', port }],
        options: {},
        cleanup: async (_db, test) => {
          calls.push(test.runId);
          throw new Error('gone');
        },
      });
      const test = fakeTest(warnings);
      await db.setup(test);
      await db.teardown(test);
      await db.teardown(test);
      expect(calls).toEqual(['fl-x']);
      expect(warnings).toEqual(["x: could not remove the run's data: gone"]);
    } finally {
      server.close();
    }
  });

  it('does not run when setup could not reach a node', async () => {
    const { server, port } = await listening();
    server.close();
    let called = false;
    const db = new ExternalDb({ name: 'x', nodes: [{ node: 'n1', host: '127.0.0.1', port }], options: {}, timeoutMs: 500, cleanup: async () => void (called = true) });
    const test = fakeTest([]);
    await expect(db.setup(test)).rejects.toThrow(/does not answer/);
    await db.teardown(test);
    expect(called).toBe(false);
  });
});

// Shared helpers for the Maelstrom cluster tests: start a db from its plugin, ask Raft nodes who
// leads, poll until a condition holds, and check that no spawned process survived.

import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createDb } from '../src/plugin/plan.js';
import '../app/builtins.js';
import { MaelstromClient } from '../src/maelstrom/client.js';
import type { MaelstromDb } from '../src/maelstrom/db.js';
import type { MaelstromWorkload } from '../src/maelstrom/workload-client.js';
import { minimalTest, nodeNames, sleep } from '../src/maelstrom/test-kit.js';
import type { Completion, Test } from '../src/protocols.js';

export async function startDb(name: string, nodes: number, extra: { bug?: string; bin?: string; dbOptions?: Record<string, string> } = {}) {
  const db = createDb<MaelstromDb>(name, { nodes, bug: extra.bug, bin: extra.bin, dbOptions: extra.dbOptions ?? {} }).db;
  const test = minimalTest(db, { nodes: nodeNames(nodes), quiet: true });
  await db.setup(test);
  return { db, test };
}

export async function waitFor<T>(what: string, f: () => Promise<T | undefined | null | false>, timeoutMs = 8000): Promise<T> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const v = await f();
    if (v) return v;
    await sleep(50);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** The node among `among` that says it leads (and that the others agree on), if any. */
export async function raftLeader(db: MaelstromDb, among: string[]): Promise<string | undefined> {
  const c = new MaelstromClient(db.router!);
  try {
    const st = await Promise.all(among.map((n) => c.request(n, { type: 'raft_status' }, 300).catch(() => null)));
    const leaders = st.flatMap((s, i) => (s?.role === 'leader' ? [{ node: among[i]!, term: s.term as number }] : []));
    if (leaders.length !== 1) return undefined;
    const l = leaders[0]!;
    const agree = st.filter((s) => s && s.term === l.term && (s.leader === l.node || s.role === 'leader')).length;
    return agree * 2 > db.cluster!.nodeIds.length ? l.node : undefined;
  } finally {
    c.close();
  }
}

/** Invokes until the op completes ok (for setting up a scenario, not for recording history). */
export async function invokeOk(db: MaelstromDb, test: Test, workload: string, node: string, f: string, value: unknown): Promise<Completion> {
  return waitFor(`${f} ${JSON.stringify(value)} ok on ${node}`, async () => {
    const c = await db.client(workload as MaelstromWorkload).open(test, node);
    try {
      const r = await c.invoke(test, { index: 0, time: 0, type: 'invoke', process: 0, f, value });
      return r.type === 'ok' ? r : undefined;
    } finally {
      await c.close?.(test);
    }
  });
}

export async function invokeOnce(db: MaelstromDb, test: Test, workload: string, node: string, f: string, value: unknown): Promise<Completion> {
  const c = await db.client(workload as MaelstromWorkload).open(test, node);
  try {
    return await c.invoke(test, { index: 0, time: 0, type: 'invoke', process: 0, f, value });
  } finally {
    await c.close?.(test);
  }
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Isolates `node` from every other node, both ways. */
export function isolate(nodes: string[], node: string): Record<string, string[]> {
  const g: Record<string, string[]> = { [node]: nodes.filter((n) => n !== node) };
  for (const n of nodes) if (n !== node) g[n] = [node];
  return g;
}

const HOLDER = fileURLToPath(new URL('./fixtures/hold-cluster.ts', import.meta.url));

/** A process that starts a built-in cluster (test/fixtures/hold-cluster.ts) and holds it: its pids and run id. */
export async function holdCluster(args: string[]): Promise<{ holder: ChildProcess; pids: number[]; runId: string }> {
  const holder = spawn(process.execPath, ['--import', 'tsx', HOLDER, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    let buf = '';
    holder.stdout!.on('data', (c: Buffer) => {
      buf += c.toString();
      if (buf.includes('\n')) resolve(buf.split('\n')[0]!);
    });
    holder.once('exit', (code) => reject(new Error(`holder exited early with ${code}`)));
  });
  const { pids, runId } = JSON.parse(line) as { pids: number[]; runId: string };
  return { holder, pids, runId };
}

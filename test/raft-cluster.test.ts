// The built-in Raft cluster as real OS processes: elections, forwarding, kill + restart from
// disk, unavailability answered definitely, the stale-read bug caught in a deterministic
// partition scenario (and absent without the bug), and no process surviving teardown.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { alive, invokeOk, invokeOnce, isolate, raftLeader, startDb, waitFor } from './maelstrom-helpers.js';
import { sleep } from '../src/maelstrom/test-kit.js';
import type { MaelstromDb } from '../src/maelstrom/db.js';
import { MaelstromClient } from '../src/maelstrom/client.js';
import type { Test } from '../src/protocols.js';

let running: { db: MaelstromDb; test: Test } | undefined;
afterEach(async () => {
  await running?.db.teardown(running.test);
  running = undefined;
});

/** Partitions `old` away, waits for a new leader among the rest, writes 2 there, reads at `old`. */
async function staleReadScenario(bug?: string) {
  running = await startDb('raft', 3, { bug });
  const { db, test } = running;
  const nodes = test.nodes;
  const old = await waitFor('a leader', () => raftLeader(db, nodes));
  await invokeOk(db, test, 'register', old, 'write', [1, 1]);
  await db.net!.partition(test, isolate(nodes, old));
  const rest = nodes.filter((n) => n !== old);
  const fresh = await waitFor('a new leader in the majority', () => raftLeader(db, rest));
  await invokeOk(db, test, 'register', fresh, 'write', [1, 2]);
  const read = await invokeOnce(db, test, 'register', old, 'read', [1, null]);
  await db.net!.heal(test);
  return { old, fresh, read };
}

/** Isolates the leader, writes 2 through it, then reads through the new majority and after healing. */
async function earlyAckScenario(bug?: string) {
  running = await startDb('raft', 3, { bug, dbOptions: { 'timeout-ms': '800' } });
  const { db, test } = running;
  const nodes = test.nodes;
  const old = await waitFor('a leader', () => raftLeader(db, nodes));
  await invokeOk(db, test, 'register', old, 'write', [1, 1]);
  await invokeOk(db, test, 'register', old, 'read', [1, null]); // through the log: 1 is committed
  await db.net!.partition(test, isolate(nodes, old));
  const write = await invokeOnce(db, test, 'register', old, 'write', [1, 2]);
  const rest = nodes.filter((n) => n !== old);
  const fresh = await waitFor('a new leader in the majority', () => raftLeader(db, rest));
  const during = await invokeOk(db, test, 'register', fresh, 'read', [1, null]);
  await db.net!.heal(test);
  await waitFor('the old leader to follow', async () => (await raftLeader(db, nodes)) !== old && (await raftLeader(db, nodes)));
  const after = await invokeOk(db, test, 'register', old, 'read', [1, null]);
  return { write, during, after };
}

describe('raft cluster', () => {
  it('elects one leader, serves lin-kv and g-set, forwards from followers, rejects definitely without a leader', async () => {
    running = await startDb('raft', 3);
    const { db, test } = running;
    const leader = await waitFor('a leader', () => raftLeader(db, test.nodes));
    expect(await db.primaries!(test)).toEqual([leader]);
    const follower = test.nodes.find((n) => n !== leader)!;
    expect(await invokeOnce(db, test, 'register', follower, 'read', ['k', null])).toEqual({ type: 'ok', value: ['k', null] });
    expect(await invokeOnce(db, test, 'register', follower, 'write', ['k', 3])).toEqual({ type: 'ok', value: ['k', 3] });
    expect(await invokeOnce(db, test, 'register', leader, 'cas', ['k', [3, 4]])).toMatchObject({ type: 'ok' });
    expect(await invokeOnce(db, test, 'register', follower, 'cas', ['k', [3, 5]])).toMatchObject({ type: 'fail', error: { code: 22 } });
    expect(await invokeOnce(db, test, 'register', follower, 'cas', ['nope', [3, 5]])).toMatchObject({ type: 'fail', error: { code: 20 } });
    expect(await invokeOnce(db, test, 'register', follower, 'read', ['k', null])).toEqual({ type: 'ok', value: ['k', 4] });
    for (const e of [3, 1, 2]) await invokeOk(db, test, 'set', test.nodes[e % 3]!, 'add', e);
    expect(await invokeOnce(db, test, 'set', follower, 'read', null)).toEqual({ type: 'ok', value: [1, 2, 3] });
    // Everyone cut off from everyone: after an election timeout, followers and the (stepped
    // down) leader answer "temporarily unavailable", a definite failure.
    const all = Object.fromEntries(test.nodes.map((n) => [n, test.nodes.filter((m) => m !== n)]));
    await db.net!.partition(test, all);
    const r = await waitFor('a definite failure', async () => {
      const x = await invokeOnce(db, test, 'register', follower, 'write', ['k', 9]);
      return x.type === 'fail' ? x : undefined;
    });
    expect(r).toMatchObject({ type: 'fail', error: { code: 11 } });
    await db.net!.heal(test);
    await waitFor('a leader again', () => raftLeader(db, test.nodes));
    expect(await invokeOk(db, test, 'register', follower, 'read', ['k', null])).toEqual({ type: 'ok', value: ['k', 4] });
  });

  it('survives a leader kill, and a restart of every node recovers the data from disk', async () => {
    running = await startDb('raft', 3);
    const { db, test } = running;
    const leader = await waitFor('a leader', () => raftLeader(db, test.nodes));
    await invokeOk(db, test, 'register', leader, 'write', ['x', 5]);
    const pid = db.cluster!.pid(leader)!;
    await db.kill(test, leader);
    expect(alive(pid)).toBe(false);
    const rest = test.nodes.filter((n) => n !== leader);
    const next = await waitFor('a new leader', () => raftLeader(db, rest));
    expect(await invokeOk(db, test, 'register', next, 'read', ['x', null])).toEqual({ type: 'ok', value: ['x', 5] });
    await invokeOk(db, test, 'register', next, 'write', ['x', 6]);
    await db.start(test, leader);
    for (const n of test.nodes) await db.kill(test, n);
    for (const n of test.nodes) await db.start(test, n);
    await waitFor('a leader after the restart', () => raftLeader(db, test.nodes));
    expect(await invokeOk(db, test, 'register', test.nodes[0]!, 'read', ['x', null])).toEqual({ type: 'ok', value: ['x', 6] });
    const log = readFileSync(join(test.dir, 'nodes', leader, 'node.log'), 'utf8');
    expect(log).toMatch(/recovered term \d+/);
  });

  it('a paused leader is replaced, and resumes as a follower', async () => {
    running = await startDb('raft', 3);
    const { db, test } = running;
    const leader = await waitFor('a leader', () => raftLeader(db, test.nodes));
    await db.pause(test, leader);
    const rest = test.nodes.filter((n) => n !== leader);
    const next = await waitFor('a new leader', () => raftLeader(db, rest));
    await invokeOk(db, test, 'register', next, 'write', ['p', 1]);
    await db.resume(test, leader);
    expect(await invokeOk(db, test, 'register', leader, 'read', ['p', null])).toEqual({ type: 'ok', value: ['p', 1] });
  });

  it('a follower cut off from the leader alone relays through a peer that hears it', async () => {
    // Bridge-like: only the link between the leader and one follower is cut. That follower can
    // win no election (the other follower hears the leader and refuses its pre-vote), so it knew
    // no leader and refused every request for as long as the cut lasted.
    running = await startDb('raft', 3);
    const { db, test } = running;
    const leader = await waitFor('a leader', () => raftLeader(db, test.nodes));
    const [cut, bridge] = test.nodes.filter((n) => n !== leader) as [string, string];
    await db.net!.partition(test, { [cut]: [leader], [leader]: [cut], [bridge]: [] });
    const c = new MaelstromClient(db.router!);
    try {
      await waitFor(`${cut} to lose the leader`, async () => {
        const st = await c.request(cut, { type: 'raft_status' }, 300).catch(() => null);
        return st !== null && st.leader === null;
      });
    } finally {
      c.close();
    }
    for (let i = 0; i < 5; i++) expect(await invokeOnce(db, test, 'register', cut, 'write', ['r', i])).toEqual({ type: 'ok', value: ['r', i] });
    expect(await invokeOnce(db, test, 'register', cut, 'read', ['r', null])).toEqual({ type: 'ok', value: ['r', 4] });
    expect(await raftLeader(db, test.nodes)).toBe(leader);
  });

  it('a follower that knows no leader holds a request until it learns one', async () => {
    running = await startDb('raft', 3);
    const { db, test } = running;
    const leader = await waitFor('a leader', () => raftLeader(db, test.nodes));
    const follower = test.nodes.find((n) => n !== leader)!;
    await db.net!.partition(test, isolate(test.nodes, follower));
    const c = new MaelstromClient(db.router!);
    try {
      await waitFor(`${follower} to lose the leader`, async () => {
        const st = await c.request(follower, { type: 'raft_status' }, 300).catch(() => null);
        return st !== null && st.leader === null;
      });
      // Cut off with no leader in reach: a definite failure, after the hold.
      const t = Date.now();
      await expect(c.request(follower, { type: 'write', key: 'h', value: 0 }, 3000)).rejects.toMatchObject({ name: 'RpcDefinite', code: 11 });
      expect(Date.now() - t).toBeGreaterThanOrEqual(300);
      // Healed while the request waits: the leader's next heartbeat arrives, and it is served.
      const pending = c.request(follower, { type: 'write', key: 'h', value: 1 }, 3000);
      await db.net!.heal(test);
      await expect(pending).resolves.toMatchObject({ type: 'write_ok' });
    } finally {
      c.close();
    }
  });

  it('a follower that was stalled reads the heartbeats waiting for it before it campaigns', async () => {
    // On a loaded machine a node's timer fires after a stall with the leader's heartbeats unread
    // in its pipe; judging the timeout first made it campaign against a healthy leader.
    // The router runs in this process: if its event loop stalls (a loaded machine), heartbeats
    // stop for everyone and a pre-vote is the right answer. Such an attempt proves nothing either
    // way and is run again (at most three attempts; the last one is judged whatever happened).
    running = await startDb('raft', 3);
    const { db, test } = running;
    for (let attempt = 1; ; attempt++) {
      const leader = await waitFor('a leader', () => raftLeader(db, test.nodes));
      const follower = test.nodes.find((n) => n !== leader)!;
      const campaigns: string[] = [];
      db.router!.onMessage = (m) => {
        if (m.src === follower && (m.body.type === 'pre_vote' || m.body.type === 'request_vote')) campaigns.push(m.body.type);
      };
      const lag = monitorEventLoopDelay({ resolution: 10 });
      lag.enable();
      for (let i = 0; i < 3; i++) {
        await db.pause(test, follower);
        await sleep(1000); // past any election timeout; the leader's heartbeats pile up in the pipe
        await db.resume(test, follower);
        await sleep(300);
      }
      lag.disable();
      const stalledMs = lag.max / 1e6;
      if (stalledMs >= 150 && attempt < 3) continue;
      expect(campaigns, `attempt ${attempt}; the router's event loop stalled up to ${stalledMs.toFixed(0)} ms`).toEqual([]);
      expect(await raftLeader(db, test.nodes)).toBe(leader);
      break;
    }
  });

  it('with --bug stale-read, an isolated old leader serves a stale read', async () => {
    const { read } = await staleReadScenario('stale-read');
    expect(read).toEqual({ type: 'ok', value: [1, 1] });
  });

  it('without the bug, the same scenario never reads the stale value', async () => {
    const { read } = await staleReadScenario();
    expect(read.type).not.toBe('ok');
  });

  it('with --bug early-ack, a write acknowledged by a cut-off leader is lost for good', async () => {
    const { write, during, after } = await earlyAckScenario('early-ack');
    expect(write).toEqual({ type: 'ok', value: [1, 2] });
    expect(during.value).toEqual([1, 1]);
    expect(after.value).toEqual([1, 1]);
  });

  it('with --bug early-ack, a write acknowledged just before every node is killed is gone after restart', async () => {
    // Killing all nodes leaves no other copy: only the leader's own disk could keep the write,
    // and under the bug it has not written it yet (entries go to disk when they ship, each second).
    running = await startDb('raft', 3, { bug: 'early-ack', dbOptions: { 'timeout-ms': '800' } });
    const { db, test } = running;
    const leader = await waitFor('a leader', () => raftLeader(db, test.nodes));
    await invokeOk(db, test, 'register', leader, 'write', [7, 1]);
    // Wait for that entry to ship and commit: a ship just happened, the next is ~1 s away, so the
    // write below is surely still only in the leader's memory when the kill comes.
    const c = new MaelstromClient(db.router!);
    try {
      await waitFor('write 1 committed', async () => {
        const st = await c.request(leader, { type: 'raft_status' }, 300).catch(() => null);
        return !!st && (st.commit as number) >= (st.last_index as number);
      });
    } finally {
      c.close();
    }
    expect(await invokeOnce(db, test, 'register', leader, 'write', [7, 2])).toEqual({ type: 'ok', value: [7, 2] });
    await Promise.all(test.nodes.map((n) => db.kill!(test, n)));
    await Promise.all(test.nodes.map((n) => db.start!(test, n)));
    const now = await waitFor('a leader after restart', () => raftLeader(db, test.nodes));
    expect((await invokeOk(db, test, 'register', now, 'read', [7, null])).value).toEqual([7, 1]);
  });

  it('without the bug, a cut-off leader never acknowledges the write', async () => {
    const { write, during, after } = await earlyAckScenario();
    expect(write.type).toBe('info');
    expect(during.value).toEqual(after.value); // whatever happened, it happened everywhere
  });

  it('leaves no node process alive after teardown', async () => {
    running = await startDb('raft', 3);
    const pids = [...running.db.cluster!.spawnedPids];
    expect(pids).toHaveLength(3);
    expect(pids.every(alive)).toBe(true);
    await running.db.pause(running.test, 'n2');
    await running.db.teardown(running.test);
    await running.db.teardown(running.test); // twice is fine
    running = undefined;
    expect(pids.filter(alive)).toEqual([]);
  });
});

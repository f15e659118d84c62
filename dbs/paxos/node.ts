// The built-in Multi-Paxos key-value node (`--db paxos`): Maelstrom lin-kv (read/write/cas by
// key) over a replicated log of slots. One stable leader runs phase 1 (prepare/promise) once for
// all slots with its ballot, learning every value accepted under earlier ballots (it re-proposes,
// in the same slot, the one with the highest ballot, and no-ops in gaps), then runs phase 2
// (accept/accepted) per client request (an accept message carries a batch of slots: a new leader
// re-proposes everything it learned in one, and resends go one message per peer). A value is
// chosen when a majority accepted it; every node applies chosen slots in order. Reads go through the log too, so the service is linearizable.
// Followers forward requests to the leader they heard from; with none, error 11 (definite).
// Ballots are round * 100 + node index + 1, so two nodes never share one.
//
// Bugs (`--bug NAME`), off by default:
// - forget-promises: acceptors keep promises and accepted values in memory only.
// - skip-phase1: a new leader skips prepare/promise and proposes from its own next slot.

import { ERR, type Body, type Message } from '../../src/maelstrom/protocol.js';
import { KvState, requestToOp, type KvOp } from '../builtin/kv-state.js';
import { NodeRuntime } from '../builtin/node-runtime.js';
import { PAXOS_BUGS } from './bugs.js';
import { AcceptorStore } from './storage.js';

/** A proposed value: the op, with an id so the proposer knows its own when it is chosen. */
interface Value {
  id: string;
  op: KvOp | null;
}

const HEARTBEAT_MS = 50;
const ELECTION_MIN_MS = 300;
const ELECTION_MAX_MS = 600;
const RESEND_MS = 150;

const rt = new NodeRuntime();
const bug = rt.bug;
if (bug !== undefined && !(bug in PAXOS_BUGS)) {
  rt.log(`unknown bug ${bug}; known: ${Object.keys(PAXOS_BUGS).join(', ')}`);
  process.exit(2);
}
const store = new AcceptorStore<Value>(rt.dataDir, bug !== 'forget-promises');
const sm = new KvState();

let role: 'follower' | 'candidate' | 'leader' = 'follower';
let ballot = 0; // this node's current ballot as a proposer
let leaderId: string | null = null;
let electionDeadline = 0;
let promises = new Map<string, Map<number, { ballot: number; value: Value }>>();
/** Slots chosen, by slot; applied in order up to `applied`. */
const chosen = new Map<number, Value>();
let applied = 0;
let nextSlot = 1;
let nextValueId = 1;
/** Leader: slots proposed in this ballot and not yet chosen: value and who accepted it. */
const proposing = new Map<number, { value: Value; acks: Set<string>; sentAt: number }>();
/** Leader: chosen slots not yet announced to followers. */
const unannounced: [number, Value][] = [];
/** Requests waiting for their value to be chosen and applied: by value id. */
const waiting = new Map<string, (b: Body) => void>();

const majority = (): number => Math.floor(rt.nodeIds.length / 2) + 1;
const myIndex = (): number => rt.nodeIds.indexOf(rt.nodeId);
const roundOf = (b: number): number => Math.floor(b / 100);
const resetElection = (): void => {
  electionDeadline = Date.now() + ELECTION_MIN_MS + Math.random() * (ELECTION_MAX_MS - ELECTION_MIN_MS);
};
const toAll = (body: Body): void => {
  for (const n of rt.nodeIds) {
    if (n === rt.nodeId) handleLocal(body);
    else rt.send(n, body);
  }
};

function stepDown(higher: number, leader: string | null): void {
  if (role !== 'follower') rt.log(`step down: ballot ${higher} from ${leader ?? '?'}`);
  role = 'follower';
  leaderId = leader;
  proposing.clear();
  unannounced.length = 0;
  for (const [, respond] of waiting) respond({ type: 'error', code: ERR.crash, text: 'leadership lost; the request may still be chosen' });
  waiting.clear();
  resetElection();
  if (higher > ballot) ballot = higher;
}

// ---------------------------------------------------------------- proposer

function campaign(): void {
  const round = Math.max(roundOf(ballot), roundOf(store.promised)) + 1;
  ballot = round * 100 + myIndex() + 1;
  leaderId = null;
  resetElection();
  promises = new Map();
  if (bug === 'skip-phase1') return becomeLeader();
  role = 'candidate';
  rt.log(`prepare ballot ${ballot} from slot ${applied + 1}`);
  toAll({ type: 'prepare', ballot, from: applied + 1 });
}

function becomeLeader(): void {
  role = 'leader';
  leaderId = rt.nodeId;
  rt.log(`leader with ballot ${ballot}`);
  // Re-propose, slot by slot, the value accepted with the highest ballot; no-ops in the gaps.
  const best = new Map<number, { ballot: number; value: Value }>();
  for (const acc of promises.values()) {
    for (const [slot, a] of acc) if (!best.has(slot) || best.get(slot)!.ballot < a.ballot) best.set(slot, a);
  }
  let top = applied;
  for (const s of chosen.keys()) top = Math.max(top, s);
  for (const s of best.keys()) top = Math.max(top, s);
  nextSlot = bug === 'skip-phase1' ? applied + 1 : top + 1;
  // One accept message for all of them: a node back from a restart may re-propose thousands.
  const entries: [number, Value][] = [];
  for (let s = applied + 1; s < nextSlot; s++) {
    if (!chosen.has(s)) entries.push([s, best.get(s)?.value ?? { id: `${rt.nodeId}-noop-${nextValueId++}`, op: null }]);
  }
  if (entries.length) propose(entries);
  heartbeat();
}

function propose(entries: [number, Value][]): void {
  for (const [slot, value] of entries) proposing.set(slot, { value, acks: new Set(), sentAt: Date.now() });
  toAll({ type: 'accept', ballot, entries });
}

function serve(req: Body, respond: (b: Body) => void): void {
  const op = requestToOp(req);
  if (typeof op === 'string' || op.f === 'add' || op.f === 'read-set') {
    return respond({ type: 'error', code: ERR.malformedRequest, text: typeof op === 'string' ? op : 'paxos serves lin-kv only' });
  }
  const value: Value = { id: `${rt.nodeId}-${ballot}-${nextValueId++}`, op };
  waiting.set(value.id, respond);
  propose([[nextSlot++, value]]);
}

/** Heartbeats also tell followers the slots chosen since the last one (batched, not per slot). */
function heartbeat(): void {
  const decided = unannounced.splice(0);
  for (const n of rt.peers()) rt.send(n, { type: 'heartbeat', ballot, decided });
}

// ---------------------------------------------------------------- learner

function learn(slot: number, value: Value): void {
  if (slot <= applied || chosen.has(slot)) return;
  chosen.set(slot, value);
  while (chosen.has(applied + 1)) {
    applied++;
    const v = chosen.get(applied)!;
    const result = sm.apply(v.op);
    const respond = waiting.get(v.id);
    if (respond) {
      waiting.delete(v.id);
      respond(result);
    }
  }
}

// ---------------------------------------------------------------- message handlers

/** Acceptor and proposer messages, from peers or from this node itself. */
function handleLocal(b: Body, from: string = rt.nodeId): void {
  const reply = (body: Body): void => (from === rt.nodeId ? handleLocal(body, rt.nodeId) : rt.send(from, body));
  switch (b.type) {
    case 'prepare': {
      const bb = b.ballot as number;
      if (bb > store.promised) {
        store.promise(bb);
        if (from !== rt.nodeId) stepDown(bb, null);
        const acc: [number, number, Value][] = [];
        for (const [s, a] of store.accepted) if (s >= (b.from as number)) acc.push([s, a.ballot, a.value]);
        reply({ type: 'promise', ballot: bb, accepted: acc, src_node: rt.nodeId });
      } else reply({ type: 'nack', ballot: store.promised });
      return;
    }
    case 'promise': {
      if (role !== 'candidate' || b.ballot !== ballot) return;
      const m = new Map<number, { ballot: number; value: Value }>();
      for (const [s, bb, v] of b.accepted as [number, number, Value][]) m.set(s, { ballot: bb, value: v });
      promises.set(b.src_node as string, m);
      if (promises.size >= majority()) becomeLeader();
      return;
    }
    case 'accept': {
      const bb = b.ballot as number;
      if (bb >= store.promised) {
        const entries = b.entries as [number, Value][];
        store.accept(bb, entries);
        if (from !== rt.nodeId && bb > ballot) stepDown(bb, from);
        if (from !== rt.nodeId) (leaderId = from), resetElection();
        reply({ type: 'accepted', ballot: bb, slots: entries.map(([slot]) => slot), src_node: rt.nodeId });
      } else reply({ type: 'nack', ballot: store.promised });
      return;
    }
    case 'accepted': {
      if (role !== 'leader' || b.ballot !== ballot) return;
      for (const slot of b.slots as number[]) {
        const p = proposing.get(slot);
        if (!p) continue;
        p.acks.add(b.src_node as string);
        if (p.acks.size >= majority()) {
          proposing.delete(slot);
          unannounced.push([slot, p.value]);
          learn(slot, p.value);
        }
      }
      return;
    }
    case 'nack':
      if ((b.ballot as number) > ballot && role !== 'follower') stepDown(b.ballot as number, null);
      return;
  }
}

for (const t of ['prepare', 'promise', 'accept', 'accepted', 'nack']) rt.on(t, (m: Message) => handleLocal(m.body, m.src));

rt.on('heartbeat', (m) => {
  const bb = m.body.ballot as number;
  // Chosen is chosen, whoever says so and whatever our promise.
  for (const [slot, value] of (m.body.decided as [number, Value][] | undefined) ?? []) learn(slot, value);
  if (bb < store.promised) return;
  if (role !== 'follower' && bb > ballot) stepDown(bb, m.src);
  if (role === 'follower') {
    leaderId = m.src;
    resetElection();
  }
});

function onClientRequest(m: Message): void {
  const respond = (b: Body): void => rt.reply(m, b);
  if (role === 'leader') return serve(m.body, respond);
  if (leaderId && leaderId !== rt.nodeId) {
    const { msg_id: _drop, ...inner } = m.body;
    rt.rpc(leaderId, { type: 'forward', request: inner }, (reply) => {
      const { in_reply_to: _r, msg_id: _m, ...rest } = reply;
      respond(rest as Body);
    });
    return; // no answer from the leader: the client times out (indefinite)
  }
  respond({ type: 'error', code: ERR.temporarilyUnavailable, text: 'no leader known' });
}

for (const t of ['read', 'write', 'cas']) rt.on(t, onClientRequest);

rt.on('forward', (m) => {
  if (role !== 'leader') return rt.reply(m, { type: 'error', code: ERR.temporarilyUnavailable, text: `${rt.nodeId} is not the leader` });
  serve(m.body.request as Body, (b) => rt.reply(m, b));
});

// The db waits for a leader before the workload starts (the same probe as the Raft node's).
rt.on('raft_status', (m) => rt.reply(m, { type: 'raft_status_ok', role, ballot, leader: leaderId, applied }));

// ---------------------------------------------------------------- timers

rt.run(() => {
  resetElection();
  setInterval(() => {
    const now = Date.now();
    if (role === 'leader') {
      heartbeat();
      // Unacknowledged proposals again, in one message per peer.
      const resend = new Map<string, [number, Value][]>();
      for (const [slot, p] of proposing) {
        if (now - p.sentAt < RESEND_MS) continue;
        p.sentAt = now;
        for (const n of rt.peers()) {
          if (p.acks.has(n)) continue;
          const list = resend.get(n) ?? [];
          list.push([slot, p.value]);
          resend.set(n, list);
        }
      }
      for (const [n, entries] of resend) rt.send(n, { type: 'accept', ballot, entries });
    } else if (now >= electionDeadline) campaign();
  }, HEARTBEAT_MS);
});

// The reference Raft key-value node, faultline's default target. One OS process per node,
// speaking Maelstrom's protocol on stdin/stdout. Serves Maelstrom lin-kv (read/write/cas by key),
// g-set (add/read) and kafka (send/poll/commit_offsets/list_committed_offsets) requests; every
// request, reads included, goes through the replicated log and is answered when its entry is
// committed and applied, so the service is linearizable.
// Term, vote and log persist in the node's data directory, so SIGKILL + restart recovers.
// Followers forward requests to the leader they know; with no known leader they answer error 11
// (temporarily unavailable, definite: nothing was done). A follower cut off from the leader but
// not from a peer that hears it (bridge and ring partitions: it cannot win an election, since
// that peer refuses its pre-vote) relays through that peer, which names its leader in the
// refusal; without it, a node with a majority in reach would refuse service for as long as the
// partition lasts. A follower that knows no leader at all holds a request up to 400 ms for one
// (an election in progress) before it answers 11. A leader that loses leadership answers its
// pending requests with error 13 (crash, indefinite): they may still commit.
//
// Check-quorum: a leader that has not heard from a majority for 750 ms steps down, so a leader
// cut off by a partition stops taking requests (clients get error 11 instead of timeouts).
// Timeouts are judged only after the input that arrived meanwhile was read: on a loaded machine
// a node's timer often fires after a stall, with the leader's heartbeats (or the followers'
// acks) waiting unread in its pipe, and judging first deposed healthy leaders.
// Pre-vote: a node campaigns only if a majority would vote for it, so a node rejoining after a
// partition does not depose a healthy leader by bumping terms.
//
// Bugs (`--bug NAME` or FAULTLINE_BUG=NAME), off by default:
// - stale-read: the leader answers reads (and reads forwarded to it) from its local state at
//   once, without a log round or any check that it still leads. Cut off from the majority, it
//   keeps its leader role: it refuses writes it could not commit (error 11), but goes on serving
//   reads while the majority elects a new leader and accepts new writes: stale reads.
//   Breaks linearizability; caught by the register workload under --nemesis partition.
// - early-ack: the leader answers write, cas, add, send and commit requests as soon as they are
//   in its log in memory (with the result they will have once applied), and writes new entries to
//   its disk and ships them to followers lazily, in batches every second; cut off from the
//   majority, it keeps leading and acknowledging. If it is killed, or partitioned away, before a majority stored the
//   entries, they are gone (a new leader overwrites them; a restarted leader never had them):
//   acknowledged writes are lost. Breaks linearizability (register), loses set elements and
//   kafka sends (their offsets handed out again).

import { ERR, type Body, type Message } from '../../src/maelstrom/protocol.js';
import { RAFT_BUGS } from './bugs.js';
import { isReadOp, KvState, requestToOp, type KvOp } from '../builtin/kv-state.js';
import { NodeRuntime } from '../builtin/node-runtime.js';
import { RaftStorage } from './storage.js';


// Timeouts leave room for a loaded 2-core machine, where a node or the router may stall for a
// hundred milliseconds and more: 150-300 ms elections and a 500 ms check-quorum deposed healthy
// leaders there (seen at load 35-45).
const ELECTION_MIN_MS = 250;
const ELECTION_MAX_MS = 500;
const HEARTBEAT_MS = 50;
/** A leader that heard from no majority for this long steps down (check-quorum). */
const CHECK_QUORUM_MS = 750;
/** An unanswered AppendEntries is re-sent with entries after this long. */
const RESEND_MS = 100;
const MAX_BATCH = 200;
const TICK_MS = 10;
/** early-ack bug only: how often the leader ships new entries. */
const LAZY_SHIP_MS = 1000;
/** A request travels at most this many node-to-node hops (follower → relay → leader). */
const MAX_HOPS = 2;
/**
 * A follower that knows no leader holds a client request this long for one to turn up before it
 * answers "no leader known": an election in progress ends well within it, and the answer still
 * comes before a client's usual 1 s timeout, so a node that stays cut off fails definitely.
 */
const LEADER_WAIT_MS = 400;

type Role = 'follower' | 'candidate' | 'leader';

interface Pending {
  term: number;
  respond: (b: Body) => void;
  /** Already answered (early-ack bug). */
  acked: boolean;
}

const rt = new NodeRuntime();
const bug = rt.bug;
if (bug !== undefined && !(bug in RAFT_BUGS)) {
  rt.log(`unknown bug ${bug}; known: ${Object.keys(RAFT_BUGS).join(', ')}`);
  process.exit(2);
}
const store = new RaftStorage<KvOp>(rt.dataDir);
const sm = new KvState();

let role: Role = 'follower';
let leaderId: string | null = null;
let commitIndex = 0;
let lastApplied = 0;
let electionDeadline = 0;
let lastHeartbeat = 0;
let votes = new Set<string>();
/** Pre-vote round (Raft thesis 9.6): the term we would campaign for, and who would vote for us. */
let preVoteTerm = 0;
let preVotes = new Set<string>();
/** When we last heard from a leader of the current term (pre-votes are refused shortly after). */
let lastLeaderContact = 0;
/** Follower without a leader in reach: a peer that hears one (named in its pre-vote refusal). */
let relay: { via: string; until: number } | null = null;
/** Client requests waiting for a leader to be known (LEADER_WAIT_MS). */
let held: Array<{ request: Body; respond: (b: Body) => void; until: number }> = [];
const nextIndex = new Map<string, number>();
const matchIndex = new Map<string, number>();
const lastSent = new Map<string, number>();
const inflight = new Map<string, boolean>();
const lastAck = new Map<string, number>();
const pending = new Map<number, Pending>();
let flushScheduled = false;
/** Leader only: heard from a majority within CHECK_QUORUM_MS. */
let quorumContact = true;
let lastShip = 0;
/** early-ack bug, leader only: the state after every entry in the log, committed or not. */
let speculative: KvState | null = null;

const now = (): number => Date.now();
const majority = (): number => Math.floor(rt.nodeIds.length / 2) + 1;

function resetElectionTimer(): void {
  electionDeadline = now() + ELECTION_MIN_MS + Math.random() * (ELECTION_MAX_MS - ELECTION_MIN_MS);
}

// ---------------------------------------------------------------- roles

function becomeFollower(term: number, why: string): void {
  if (role === 'leader') {
    rt.log(`stepping down in term ${store.term} -> ${term}: ${why}`);
    failPending('leadership lost');
    speculative = null;
  }
  const newTerm = term > store.term;
  if (newTerm) store.setTermVote(term, null);
  role = 'follower';
  if (newTerm || leaderId === rt.nodeId) leaderId = null;
  resetElectionTimer();
}

/**
 * Before campaigning, ask whether a majority would vote for us without changing anyone's term: a
 * node cut off from the leader cannot win, so it must not disrupt the cluster with term bumps
 * when it reconnects (and nodes that still hear a leader refuse, so partitions like the
 * majorities ring do not cause endless elections).
 */
function speculativeState(): KvState {
  if (!speculative) {
    speculative = sm.clone();
    for (let i = lastApplied + 1; i <= store.lastIndex; i++) speculative.apply(store.log[i]!.op);
  }
  return speculative;
}

/** Answers every pending request indefinitely: its entry may or may not commit later. */
function failPending(why: string): void {
  for (const p of pending.values()) {
    if (!p.acked) p.respond({ type: 'error', code: ERR.crash, text: `${why}; the request may or may not take effect` });
  }
  pending.clear();
}

function startPreVote(): void {
  resetElectionTimer();
  // No word from a leader for a whole election timeout: stop forwarding to it, so clients get a
  // fast definite "unavailable" instead of a timeout.
  leaderId = null;
  preVoteTerm = store.term + 1;
  preVotes = new Set([rt.nodeId]);
  if (preVotes.size >= majority()) return startElection();
  for (const p of rt.peers()) {
    rt.send(p, { type: 'pre_vote', term: preVoteTerm, last_index: store.lastIndex, last_term: store.lastTerm() });
  }
}

function startElection(): void {
  role = 'candidate';
  leaderId = null;
  store.setTermVote(store.term + 1, rt.nodeId);
  votes = new Set([rt.nodeId]);
  resetElectionTimer();
  rt.log(`election for term ${store.term}`);
  for (const p of rt.peers()) {
    rt.send(p, { type: 'request_vote', term: store.term, last_index: store.lastIndex, last_term: store.lastTerm() });
  }
  if (votes.size >= majority()) becomeLeader();
}

function becomeLeader(): void {
  role = 'leader';
  leaderId = rt.nodeId;
  rt.log(`leader for term ${store.term} (last index ${store.lastIndex}, commit ${commitIndex})`);
  const t = now();
  quorumContact = true;
  for (const p of rt.peers()) {
    nextIndex.set(p, store.lastIndex + 1);
    matchIndex.set(p, 0);
    inflight.set(p, false);
    lastAck.set(p, t);
  }
  // A no-op of the new term lets earlier-term entries commit (Raft only counts replicas of
  // current-term entries).
  store.append({ term: store.term, op: null });
  broadcast(true);
  advanceCommit();
  releaseHeld();
}

// ---------------------------------------------------------------- replication (leader)

function replicate(peer: string, heartbeatOnly: boolean): void {
  const ni = nextIndex.get(peer) ?? store.lastIndex + 1;
  const prev = ni - 1;
  const entries = heartbeatOnly ? [] : store.log.slice(ni, ni + MAX_BATCH);
  if (entries.length) store.sync(); // stored before sent (entries appended lazily: early-ack bug)
  rt.send(peer, {
    type: 'append_entries',
    term: store.term,
    prev_index: prev,
    prev_term: store.log[prev]!.term,
    entries,
    leader_commit: commitIndex,
  });
  lastSent.set(peer, now());
  if (entries.length) inflight.set(peer, true);
}

/** Sends new entries to peers with nothing in flight; `heartbeat` also pings the others. */
function broadcast(heartbeat: boolean): void {
  const t = now();
  // early-ack bug: new entries ship in batches every LAZY_SHIP_MS; heartbeats go out as usual.
  const ship = bug !== 'early-ack' || t - lastShip >= LAZY_SHIP_MS;
  if (ship) lastShip = t;
  for (const p of rt.peers()) {
    const busy = inflight.get(p) && t - (lastSent.get(p) ?? 0) < RESEND_MS;
    const hasNew = (nextIndex.get(p) ?? 0) <= store.lastIndex;
    if (ship && !busy && (hasNew || heartbeat)) replicate(p, false);
    else if (heartbeat) replicate(p, true);
  }
  if (heartbeat) lastHeartbeat = t;
}

function scheduleFlush(): void {
  if (flushScheduled) return;
  flushScheduled = true;
  setImmediate(() => {
    flushScheduled = false;
    if (role === 'leader') broadcast(false);
  });
}

function advanceCommit(): void {
  if (role !== 'leader') return;
  for (let n = store.lastIndex; n > commitIndex; n--) {
    if (store.log[n]!.term !== store.term) break; // only current-term entries commit by counting
    let count = 1;
    for (const p of rt.peers()) if ((matchIndex.get(p) ?? 0) >= n) count++;
    if (count >= majority()) {
      commitIndex = n;
      break;
    }
  }
  applyCommitted();
}

function applyCommitted(): void {
  while (lastApplied < commitIndex) {
    lastApplied++;
    const e = store.log[lastApplied]!;
    const result = sm.apply(e.op);
    const p = pending.get(lastApplied);
    if (p) {
      pending.delete(lastApplied);
      if (p.term === e.term && !p.acked) p.respond(result);
      else if (p.term !== e.term && !p.acked) p.respond({ type: 'error', code: ERR.crash, text: 'entry replaced' });
    }
  }
}

// ---------------------------------------------------------------- client requests

function serve(body: Body, respond: (b: Body) => void): void {
  const op = requestToOp(body);
  if (typeof op === 'string') return respond({ type: 'error', code: ERR.malformedRequest, text: op });
  if (bug === 'stale-read' && isReadOp(op)) return respond(sm.apply(op));
  if (!quorumContact) return respond({ type: 'error', code: ERR.temporarilyUnavailable, text: 'leader without contact to a majority' });
  // early-ack bug: the speculative state must not include this op yet (it is applied below).
  const spec = bug === 'early-ack' && !isReadOp(op) ? speculativeState() : null;
  // early-ack bug: the entry is not even on the leader's disk yet (written when it ships).
  const index = bug === 'early-ack' ? store.appendLazily({ term: store.term, op }) : store.append({ term: store.term, op });
  const p: Pending = { term: store.term, respond, acked: false };
  if (spec) {
    // Answer from the speculative state: right if the entry commits, a lie if it is lost.
    respond(spec.apply(op));
    p.acked = true;
  }
  pending.set(index, p);
  if (rt.nodeIds.length === 1) advanceCommit();
  if (bug !== 'early-ack') scheduleFlush();
}

function onClientRequest(m: Message): void {
  const respond = (b: Body): void => rt.reply(m, b);
  if (role === 'leader') return serve(m.body, respond);
  const { msg_id: _drop, ...inner } = m.body;
  if (forwardTo(inner, 1, respond)) return;
  held.push({ request: inner, respond, until: now() + LEADER_WAIT_MS });
}

/** Serves or forwards held requests once a leader is known; answers the expired ones. */
function releaseHeld(): void {
  if (held.length === 0) return;
  const t = now();
  const still: typeof held = [];
  for (const h of held) {
    if (role === 'leader') serve(h.request, h.respond);
    else if (forwardTo(h.request, 1, h.respond)) continue;
    else if (t >= h.until) h.respond({ type: 'error', code: ERR.temporarilyUnavailable, text: 'no leader known' });
    else still.push(h);
  }
  held = still;
}

/**
 * Passes a request on towards the leader: to the leader we hear, or through a peer that hears
 * one. False when there is nowhere to send it. With no reply the client times out
 * (indefinite), as it must: the leader may have taken the request.
 */
function forwardTo(request: Body, hops: number, respond: (b: Body) => void): boolean {
  const relayOk = relay !== null && relay.until > now() && role === 'follower';
  const dest = leaderId && leaderId !== rt.nodeId ? leaderId : relayOk ? relay!.via : null;
  if (dest === null || hops > MAX_HOPS) return false;
  rt.rpc(dest, { type: 'forward', request, hops }, (reply) => {
    const { in_reply_to: _r, msg_id: _m, ...rest } = reply;
    respond(rest as Body);
  });
  return true;
}

for (const t of ['read', 'write', 'cas', 'add', 'send', 'poll', 'commit_offsets', 'list_committed_offsets']) rt.on(t, onClientRequest);

rt.on('forward', (m) => {
  const respond = (b: Body): void => rt.reply(m, b);
  const req = m.body.request;
  if (typeof req !== 'object' || req === null || typeof (req as Body).type !== 'string') {
    return respond({ type: 'error', code: ERR.malformedRequest, text: 'forward without a request' });
  }
  if (role === 'leader') return serve(req as Body, respond);
  // A relay: pass it on to the leader we hear (never back where it came from).
  const hops = typeof m.body.hops === 'number' ? m.body.hops : MAX_HOPS;
  if (leaderId !== m.src && forwardTo(req as Body, hops + 1, respond)) return;
  respond({ type: 'error', code: ERR.temporarilyUnavailable, text: `${rt.nodeId} is not the leader` });
});

rt.on('raft_status', (m) => {
  rt.reply(m, { type: 'raft_status_ok', role, term: store.term, leader: leaderId, commit: commitIndex, last_index: store.lastIndex });
});

// ---------------------------------------------------------------- RPCs between nodes

rt.on('request_vote', (m) => {
  const b = m.body as Body & { term: number; last_index: number; last_term: number };
  if (b.term > store.term) becomeFollower(b.term, `vote request from ${m.src}`);
  const upToDate = b.last_term > store.lastTerm() || (b.last_term === store.lastTerm() && b.last_index >= store.lastIndex);
  let granted = false;
  if (b.term === store.term && upToDate && (store.votedFor === null || store.votedFor === m.src)) {
    store.setTermVote(store.term, m.src); // persisted before the reply
    granted = true;
    resetElectionTimer();
  }
  rt.send(m.src, { type: 'vote', term: store.term, granted });
});

rt.on('pre_vote', (m) => {
  const b = m.body as Body & { term: number; last_index: number; last_term: number };
  const upToDate = b.last_term > store.lastTerm() || (b.last_term === store.lastTerm() && b.last_index >= store.lastIndex);
  const leaderAlive = role === 'leader' || (leaderId !== null && now() - lastLeaderContact < ELECTION_MIN_MS);
  const granted = b.term > store.term && upToDate && !leaderAlive;
  // A refusal because we hear a leader names it: the asker may relay its requests through us.
  const leader = leaderAlive && !granted ? leaderId : null;
  rt.send(m.src, { type: 'pre_vote_ok', term: b.term, current_term: store.term, granted, leader });
});

rt.on('pre_vote_ok', (m) => {
  const b = m.body as Body & { term: number; current_term: number; granted: boolean; leader?: string | null };
  if (b.current_term > store.term && role !== 'leader') {
    becomeFollower(b.current_term, `pre-vote reply from ${m.src}`);
    return;
  }
  if (!b.granted && typeof b.leader === 'string' && b.leader !== rt.nodeId && role === 'follower' && leaderId === null) {
    // Valid until the next pre-vote round would have renewed it, and a little longer.
    relay = { via: m.src, until: now() + 2 * ELECTION_MAX_MS };
    releaseHeld();
  }
  if (role === 'leader' || b.term !== preVoteTerm || preVoteTerm !== store.term + 1 || !b.granted) return;
  preVotes.add(m.src);
  if (preVotes.size >= majority()) {
    preVoteTerm = 0;
    startElection();
  }
});

rt.on('vote', (m) => {
  const b = m.body as Body & { term: number; granted: boolean };
  if (b.term > store.term) return becomeFollower(b.term, `vote reply from ${m.src}`);
  if (role !== 'candidate' || b.term !== store.term || !b.granted) return;
  votes.add(m.src);
  if (votes.size >= majority()) becomeLeader();
});

rt.on('append_entries', (m) => {
  const b = m.body as Body & {
    term: number;
    prev_index: number;
    prev_term: number;
    entries: { term: number; op: KvOp | null }[];
    leader_commit: number;
  };
  const reply = (fields: Record<string, unknown>): void =>
    rt.send(m.src, { type: 'append_entries_ok', term: store.term, req_term: b.term, ...fields });
  if (b.term < store.term) return reply({ success: false, conflict_index: 0 });
  if (b.term > store.term || role !== 'follower') becomeFollower(b.term, `append from leader ${m.src}`);
  leaderId = m.src;
  lastLeaderContact = now();
  relay = null;
  resetElectionTimer();
  releaseHeld();
  if (b.prev_index > store.lastIndex) return reply({ success: false, conflict_index: store.lastIndex + 1 });
  const have = store.log[b.prev_index]!.term;
  if (have !== b.prev_term) {
    let i = b.prev_index;
    while (i > 1 && store.log[i - 1]!.term === have) i--;
    return reply({ success: false, conflict_index: Math.max(1, i) });
  }
  // Skip entries we already have; truncate only at the first real conflict (a reordered, older
  // AppendEntries must never cut entries off).
  let idx = b.prev_index + 1;
  let k = 0;
  while (k < b.entries.length && idx <= store.lastIndex && store.log[idx]!.term === b.entries[k]!.term) {
    idx++;
    k++;
  }
  if (k < b.entries.length) {
    if (idx <= commitIndex) rt.log(`SAFETY: asked to overwrite committed index ${idx}`);
    store.putFrom(idx, b.entries.slice(k));
  }
  const match = b.prev_index + b.entries.length;
  if (b.leader_commit > commitIndex) {
    commitIndex = Math.max(commitIndex, Math.min(b.leader_commit, match));
    applyCommitted();
  }
  reply({ success: true, match_index: match });
});

rt.on('append_entries_ok', (m) => {
  const b = m.body as Body & { term: number; req_term: number; success: boolean; match_index?: number; conflict_index?: number };
  if (b.term > store.term) return becomeFollower(b.term, `append reply from ${m.src}`);
  if (role !== 'leader' || b.req_term !== store.term) return;
  lastAck.set(m.src, now());
  inflight.set(m.src, false);
  const match = matchIndex.get(m.src) ?? 0;
  if (b.success) {
    const nm = Math.max(match, b.match_index ?? 0);
    matchIndex.set(m.src, nm);
    nextIndex.set(m.src, Math.max(nextIndex.get(m.src) ?? 1, nm + 1));
    advanceCommit();
    if ((nextIndex.get(m.src) ?? 0) <= store.lastIndex && bug !== 'early-ack') replicate(m.src, false);
  } else {
    const ni = Math.max(match + 1, Math.min(nextIndex.get(m.src) ?? 1, b.conflict_index ?? 1));
    nextIndex.set(m.src, ni);
    replicate(m.src, false);
  }
});

// ---------------------------------------------------------------- timers

function tick(): void {
  const t = now();
  releaseHeld();
  if (role === 'leader') {
    if (rt.nodeIds.length > 1) {
      let heard = 1;
      for (const p of rt.peers()) if (t - (lastAck.get(p) ?? 0) < CHECK_QUORUM_MS) heard++;
      const had = quorumContact;
      quorumContact = heard >= majority();
      // The bugs keep a cut-off leader leading: stale-read to serve reads, early-ack to ack writes.
      if (!quorumContact && bug === undefined) {
        becomeFollower(store.term, 'no contact with a majority (check-quorum)');
        return;
      }
      if (!quorumContact && had && bug === 'stale-read') {
        // stale-read bug: keep the leader role (and keep serving reads), refuse only writes.
        rt.log('lost contact with the majority; refusing writes but still leading (stale-read bug)');
        failPending('no contact with a majority');
      }
      if (bug === 'early-ack') quorumContact = true;
    }
    if (t - lastHeartbeat >= HEARTBEAT_MS) broadcast(true);
  } else if (t >= electionDeadline) {
    startPreVote();
  }
}

rt.run(() => {
  if (store.recovered) rt.log(`recovered term ${store.term}, vote ${store.votedFor}, ${store.lastIndex} log entries`);
  if (bug) rt.log(`BUG ENABLED: ${bug}: ${RAFT_BUGS[bug]}`);
  resetElectionTimer();
  // Judge timeouts after reading what arrived while we waited (setImmediate runs after the I/O
  // poll): see the header.
  setInterval(() => setImmediate(tick), TICK_MS);
});

// The built-in eventually consistent node: a grow-only set and a PN-counter (per-node increment
// and decrement totals), replicated by anti-entropy through the Maelstrom router every ~100 ms.
// Requests (Maelstrom g-set / pn-counter): `add {element}`, `add {delta}`, `read`. A read answers
// the set (an array) or the counter (a number): the request may say which with
// `workload: 'set' | 'counter'` (faultline's client does); otherwise a node that has counter
// state and no elements answers the counter. Updates persist in the node's data directory before
// they are acknowledged, so SIGKILL + restart loses nothing.
//
// Bug (`--bug lose-updates`): about one update in eight (elements by hash, deltas by count) is
// acknowledged and visible on its node for half a second, then forgotten for good: never
// persisted, never gossiped. Final reads after healing miss it, so the set checker reports the
// element lost and the counter checker a final value out of bounds.

import { existsSync, openSync, readFileSync, truncateSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { ERR, type Body } from '../../src/maelstrom/protocol.js';
import { GOSSIP_BUGS } from './bugs.js';
import { NodeRuntime } from '../builtin/node-runtime.js';

const GOSSIP_MS = 100;
const MAX_ELEMENTS_PER_MESSAGE = 2000;
const FORGET_AFTER_MS = 500;

interface Count {
  inc: number;
  dec: number;
}

const rt = new NodeRuntime();
if (rt.bug !== undefined && !(rt.bug in GOSSIP_BUGS)) {
  rt.log(`unknown bug ${rt.bug}; known: ${Object.keys(GOSSIP_BUGS).join(', ')}`);
  process.exit(2);
}
const loseUpdates = rt.bug === 'lose-updates';

/** Elements by their JSON text. */
const elements = new Map<string, unknown>();
const counts = new Map<string, Count>();
/** Per peer: elements it is known to have (it sent them, or acknowledged ours). */
const known = new Map<string, Set<string>>();
/** Bugged updates: visible locally until forgotten. */
const doomedElements = new Map<string, unknown>();
let doomedDelta = 0;
let counterAdds = 0;

// ---------------------------------------------------------------- persistence

const path = join(rt.dataDir, 'gossip.jsonl');
if (existsSync(path)) {
  const text = readFileSync(path, 'utf8');
  // Cut a torn last line, or the next record would be glued to it and lost too.
  const end = text.lastIndexOf('\n') + 1;
  if (end < text.length) truncateSync(path, Buffer.byteLength(text.slice(0, end)));
  for (const line of text.slice(0, end).split('\n')) {
    if (!line) continue;
    try {
      const r = JSON.parse(line) as { e?: string; c?: string; i?: number; d?: number };
      if (r.e !== undefined) elements.set(r.e, JSON.parse(r.e));
      if (r.c !== undefined) mergeCount(r.c, { inc: r.i ?? 0, dec: r.d ?? 0 });
    } catch {
      // torn last line
    }
  }
}
const fd = openSync(path, 'a');

function persist(lines: object[]): void {
  if (lines.length) writeSync(fd, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
}

function mergeCount(node: string, c: Count): boolean {
  const cur = counts.get(node) ?? { inc: 0, dec: 0 };
  if (c.inc <= cur.inc && c.dec <= cur.dec) return false;
  counts.set(node, { inc: Math.max(cur.inc, c.inc), dec: Math.max(cur.dec, c.dec) });
  return true;
}

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619) >>> 0;
  return h;
}

// ---------------------------------------------------------------- requests

rt.on('add', (m) => {
  const b = m.body;
  if ('element' in b) {
    const k = JSON.stringify(b.element);
    if (loseUpdates && !elements.has(k) && hash(k) % 8 === 0) {
      doomedElements.set(k, b.element);
      setTimeout(() => doomedElements.delete(k), FORGET_AFTER_MS);
    } else if (!elements.has(k)) {
      persist([{ e: k }]);
      elements.set(k, b.element);
    }
    return rt.reply(m, { type: 'add_ok' });
  }
  if (typeof b.delta === 'number' && Number.isFinite(b.delta)) {
    const delta = b.delta;
    counterAdds++;
    if (loseUpdates && counterAdds % 8 === 0) {
      doomedDelta += delta;
      setTimeout(() => (doomedDelta -= delta), FORGET_AFTER_MS);
    } else {
      const c = counts.get(rt.nodeId) ?? { inc: 0, dec: 0 };
      const next = delta >= 0 ? { inc: c.inc + delta, dec: c.dec } : { inc: c.inc, dec: c.dec - delta };
      persist([{ c: rt.nodeId, i: next.inc, d: next.dec }]);
      counts.set(rt.nodeId, next);
    }
    return rt.reply(m, { type: 'add_ok' });
  }
  rt.replyError(m, ERR.malformedRequest, 'add needs element or a numeric delta');
});

rt.on('read', (m) => {
  const w = m.body.workload;
  const counterMode = w === 'counter' || (w !== 'set' && elements.size === 0 && counts.size > 0);
  if (counterMode) {
    let v = doomedDelta;
    for (const c of counts.values()) v += c.inc - c.dec;
    return rt.reply(m, { type: 'read_ok', value: v });
  }
  rt.reply(m, { type: 'read_ok', value: [...elements.values(), ...doomedElements.values()] });
});

// ---------------------------------------------------------------- anti-entropy

rt.on('gossip', (m) => {
  const b = m.body as Body & { elements?: string[]; counts?: Record<string, Count> };
  const fresh: object[] = [];
  const kp = knownBy(m.src);
  for (const k of b.elements ?? []) {
    kp.add(k);
    if (!elements.has(k)) {
      elements.set(k, JSON.parse(k));
      fresh.push({ e: k });
    }
  }
  for (const [node, c] of Object.entries(b.counts ?? {})) {
    if (mergeCount(node, c) && node === rt.nodeId) fresh.push({ c: node, i: counts.get(node)!.inc, d: counts.get(node)!.dec });
  }
  persist(fresh); // before acknowledging, so the sender may stop resending
  rt.reply(m, { type: 'gossip_ok' });
});

function knownBy(peer: string): Set<string> {
  let s = known.get(peer);
  if (!s) known.set(peer, (s = new Set()));
  return s;
}

function gossip(): void {
  const allCounts = Object.fromEntries(counts);
  for (const p of rt.peers()) {
    const kp = knownBy(p);
    const send: string[] = [];
    for (const k of elements.keys()) {
      if (!kp.has(k)) send.push(k);
      if (send.length >= MAX_ELEMENTS_PER_MESSAGE) break;
    }
    rt.rpc(p, { type: 'gossip', elements: send, counts: allCounts }, () => {
      for (const k of send) kp.add(k);
    }, 1000);
  }
}

rt.run(() => {
  if (rt.bug) rt.log(`BUG ENABLED: ${rt.bug}: ${GOSSIP_BUGS[rt.bug]}`);
  if (elements.size || counts.size) rt.log(`recovered ${elements.size} elements, ${counts.size} counters`);
  setInterval(gossip, GOSSIP_MS);
});

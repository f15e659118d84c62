// The kafka checker's analysis (after Jepsen's Kafka checker and Maelstrom's kafka workload):
// from acknowledged sends and ok polls it rebuilds, per key, which message sits at which offset,
// then looks for
// - lost writes: an acknowledged send never polled although a later offset of its key was, or
//   although a final poll (after healing) read past where it should be (the log's tail is gone),
//   or polled once but missing from a final poll that read its key across its offset (vanished);
// - inconsistent offsets: one offset of a key holding different messages;
// - duplicates: one message at several offsets of a key;
// - non-monotonic polls: a poll returning offsets out of order or before the position it asked for;
// - gaps: a poll skipping an offset of its key known to hold a message;
// - non-monotonic sends: a send acknowledged after another (in real time) got a lower offset;
// - committed offsets going backwards: a committed offset lower than one acknowledged or read
//   before (crashed commits, which may land late, excused);
// - aborted and phantom reads: polled messages whose send failed, or that nobody sent;
// and it measures the latency from a send's acknowledgement to the first poll that returned it.
// Acknowledged sends that nobody polled, without evidence of loss, are reported as unseen: the
// model has no recency requirement. Every case points at the ops that show it.

import type { History } from '../../src/history.js';
import type { AnomalyRef, CheckResult } from '../../src/protocols.js';
import { clientRecords, firstAnomalies, quantiles, show, valueKey, type ValueKey } from '../op-pairs.js';
import { parseKafka, type Msg, type PollOp, type SendOp } from './ops.js';
import { offsetTimelines } from './timelines.js';

export interface KafkaCheckOptions {
  /** A message at several offsets is reported but allowed (at-least-once sends, e.g. producer retries). */
  allowDuplicates?: boolean;
}

type VK = ValueKey;

/** What the analysis knows about one key's log. */
export interface KeyLog {
  /** offset → message (by value key) → the ops that put it there (sends) or saw it there (polls). */
  byOffset: Map<number, Map<VK, { msg: Msg; sends: number[]; polls: number[] }>>;
  /** Offsets known to hold a message, ascending. */
  known: number[];
}

const LIMIT = 200;

export function checkKafka(history: History, opts: KafkaCheckOptions = {}): CheckResult {
  const parsed = parseKafka(clientRecords(history));
  const { sends, polls, commits, lists, malformed } = parsed;
  const logs = new Map<string, KeyLog>();
  const logOf = (k: string): KeyLog => {
    let l = logs.get(k);
    if (!l) logs.set(k, (l = { byOffset: new Map(), known: [] }));
    return l;
  };
  const note = (k: string, offset: number, msg: Msg, index: number, kind: 'sends' | 'polls') => {
    const l = logOf(k);
    let at = l.byOffset.get(offset);
    if (!at) l.byOffset.set(offset, (at = new Map()));
    const vk = valueKey(msg);
    let e = at.get(vk);
    if (!e) at.set(vk, (e = { msg, sends: [], polls: [] }));
    if (e[kind][e[kind].length - 1] !== index) e[kind].push(index);
  };
  const okSends = sends.filter((s) => s.rec.type === 'ok' && s.offset !== null);
  const okPolls = polls.filter((p) => p.rec.type === 'ok');
  for (const s of okSends) note(s.key, s.offset!, s.msg, s.rec.index, 'sends');
  for (const p of okPolls) for (const [k, pairs] of p.msgs) for (const [o, m] of pairs) note(k, o, m, p.rec.index, 'polls');
  for (const l of logs.values()) l.known = [...l.byOffset.keys()].sort((a, b) => a - b);

  const anomalies: AnomalyRef[] = [];
  const flag = (index: number, message: string) => anomalies.push({ index, message });

  // Inconsistent offsets and duplicates.
  const inconsistent: Array<{ key: string; offset: number; msgs: Msg[]; ops: number[] }> = [];
  const duplicates: Array<{ key: string; msg: Msg; offsets: number[]; ops: number[] }> = [];
  for (const [k, l] of logs) {
    const offsetsOf = new Map<VK, { msg: Msg; offsets: number[]; ops: number[] }>();
    for (const o of l.known) {
      const at = l.byOffset.get(o)!;
      if (at.size > 1) {
        const ops = [...at.values()].map((e) => e.sends[0] ?? e.polls[0]!);
        inconsistent.push({ key: k, offset: o, msgs: [...at.values()].map((e) => e.msg), ops });
        flag(Math.max(...ops), `key ${k} offset ${o} holds different messages: ${[...at.values()].map((e) => show(e.msg)).join(' and ')}`);
      }
      for (const [vk, e] of at) {
        let d = offsetsOf.get(vk);
        if (!d) offsetsOf.set(vk, (d = { msg: e.msg, offsets: [], ops: [] }));
        d.offsets.push(o);
        d.ops.push(e.sends[0] ?? e.polls[0]!);
      }
    }
    for (const d of offsetsOf.values()) {
      if (d.offsets.length < 2) continue;
      duplicates.push({ key: k, msg: d.msg, offsets: d.offsets, ops: d.ops });
      if (!opts.allowDuplicates) flag(Math.max(...d.ops), `message ${show(d.msg)} of key ${k} is at offsets ${d.offsets.join(', ')}`);
    }
  }

  // Which messages were polled, per key, and when first.
  const polledAt = new Map<string, Map<VK, PollOp>>();
  for (const p of okPolls) {
    for (const [k, pairs] of p.msgs) {
      let m = polledAt.get(k);
      if (!m) polledAt.set(k, (m = new Map()));
      for (const [, msg] of pairs) {
        const vk = valueKey(msg);
        const prev = m.get(vk);
        if (!prev || p.rec.retNs! < prev.rec.retNs!) m.set(vk, p);
      }
    }
  }
  // Ok polls by key with the highest offset each returned, in history order.
  const pollMax = new Map<string, Array<{ p: PollOp; max: number }>>();
  for (const p of okPolls) {
    for (const [k, pairs] of p.msgs) {
      if (!pairs.length) continue;
      let xs = pollMax.get(k);
      if (!xs) pollMax.set(k, (xs = []));
      xs.push({ p, max: Math.max(...pairs.map((x) => x[0])) });
    }
  }

  // Lost writes and unseen sends.
  const lost: Array<{ key: string; offset: number; msg: Msg; send: number; evidence: number; how: 'skipped' | 'tail' | 'vanished' }> = [];
  const unseen: Array<{ key: string; offset: number; msg: Msg; send: number }> = [];
  const finalEmpty = okPolls.filter((p) => p.final);
  for (const s of okSends) {
    const vk = valueKey(s.msg);
    // Polled once, but a final poll (after healing, invoked after the send's acknowledgement)
    // read the key across its offset without it: the log lost it later (a suffix dropped at a
    // leader change and its offsets handed out again). A log never rewrites an offset, so a
    // final read covering it must return it.
    const gone = finalEmpty.find((p) => {
      const pairs = p.msgs.get(s.key);
      if (!pairs?.length || p.rec.callNs <= s.rec.retNs! || (p.from[s.key] ?? Infinity) > s.offset!) return false;
      if (Math.max(...pairs.map((x) => x[0])) < s.offset!) return false;
      return !pairs.some(([, m]) => valueKey(m) === vk);
    });
    if (gone) {
      lost.push({ key: s.key, offset: s.offset!, msg: s.msg, send: s.rec.index, evidence: gone.rec.index, how: 'vanished' });
      continue;
    }
    if (polledAt.get(s.key)?.has(vk)) continue;
    const beyond = pollMax.get(s.key)?.find((x) => x.max > s.offset!);
    if (beyond) {
      lost.push({ key: s.key, offset: s.offset!, msg: s.msg, send: s.rec.index, evidence: beyond.p.rec.index, how: 'skipped' });
      continue;
    }
    const tail = finalEmpty.find((p) => p.rec.callNs > s.rec.retNs! && (p.from[s.key] ?? Infinity) <= s.offset! && !(p.msgs.get(s.key)?.length));
    if (tail) lost.push({ key: s.key, offset: s.offset!, msg: s.msg, send: s.rec.index, evidence: tail.rec.index, how: 'tail' });
    else unseen.push({ key: s.key, offset: s.offset!, msg: s.msg, send: s.rec.index });
  }
  for (const x of lost) {
    flag(x.send, x.how === 'skipped'
      ? `acknowledged send of ${show(x.msg)} to key ${x.key} at offset ${x.offset} was never polled, although op ${x.evidence} polled a later offset`
      : x.how === 'vanished'
        ? `acknowledged send of ${show(x.msg)} to key ${x.key} at offset ${x.offset} is gone: final poll op ${x.evidence} read the key across offset ${x.offset} without it`
        : `acknowledged send of ${show(x.msg)} to key ${x.key} at offset ${x.offset} was never polled, and final poll op ${x.evidence} found nothing from offset ${x.offset} on`);
  }

  // Aborted and phantom reads: polled messages whose send failed, or that no send attempted.
  const attempted = new Map<string, Map<VK, SendOp[]>>();
  for (const s of sends) {
    let m = attempted.get(s.key);
    if (!m) attempted.set(s.key, (m = new Map()));
    const vk = valueKey(s.msg);
    m.set(vk, [...(m.get(vk) ?? []), s]);
  }
  const aborted: Array<{ key: string; msg: Msg; poll: number; send: number }> = [];
  const phantoms: Array<{ key: string; msg: Msg; poll: number }> = [];
  for (const [k, m] of polledAt) {
    for (const [vk, p] of m) {
      const tries = attempted.get(k)?.get(vk);
      const msg = p.msgs.get(k)!.find((x) => valueKey(x[1]) === vk)![1];
      if (!tries) {
        phantoms.push({ key: k, msg, poll: p.rec.index });
        flag(p.rec.index, `poll returned ${show(msg)} on key ${k}, which no send to that key carried`);
      } else if (tries.every((t) => t.rec.type === 'fail')) {
        aborted.push({ key: k, msg, poll: p.rec.index, send: tries[0]!.rec.index });
        flag(p.rec.index, `poll returned ${show(msg)} on key ${k}, whose send (op ${tries[0]!.rec.index}) failed`);
      }
    }
  }

  // Polls: order within each poll, position asked for, and known offsets skipped.
  const nonmonotonic: Array<{ key: string; poll: number; process: number; from: number | null; offsets: number[]; why: string }> = [];
  const gaps: Array<{ key: string; poll: number; process: number; from: number | null; skipped: number[] }> = [];
  const lastByProcess = new Map<number, Map<string, number>>();
  for (const p of okPolls) {
    let last = lastByProcess.get(p.rec.process);
    if (!last) lastByProcess.set(p.rec.process, (last = new Map()));
    for (const [k, pairs] of p.msgs) {
      if (!pairs.length) continue;
      const offs = pairs.map((x) => x[0]);
      // Without a position in the request, the consumer's own position continues where it was.
      const prev = last.get(k);
      const from = p.from[k] ?? (prev !== undefined ? prev + 1 : null);
      const bad = (why: string, shown: number[]) => {
        nonmonotonic.push({ key: k, poll: p.rec.index, process: p.rec.process, from, offsets: shown, why });
        flag(p.rec.index, `poll of key ${k}${from !== null ? ` from offset ${from}` : ''} ${why}`);
      };
      if (from !== null && offs[0]! < from) bad(`returned offset ${offs[0]}, before the position asked for`, offs.slice(0, 8));
      const back = offs.findIndex((o, i) => i > 0 && o <= offs[i - 1]!);
      if (back > 0) bad(`returned offset ${offs[back]} after ${offs[back - 1]}`, offs.slice(Math.max(0, back - 3), back + 3));
      const lo = from ?? offs[0]!;
      const hi = Math.max(...offs);
      const returned = new Set(offs);
      const skipped = inRange(logs.get(k)!.known, lo, hi).filter((o) => !returned.has(o));
      if (skipped.length) {
        gaps.push({ key: k, poll: p.rec.index, process: p.rec.process, from, skipped: skipped.slice(0, 50) });
        flag(p.rec.index, `poll of key ${k} from offset ${lo} skipped offset${skipped.length > 1 ? 's' : ''} ${skipped.slice(0, 8).join(', ')}${skipped.length > 8 ? ', …' : ''}, known to hold messages`);
      }
      last.set(k, hi);
    }
  }

  // Sends in real-time order: one acknowledged before another began must have a lower offset.
  const nonmonotonicSends: Array<{ key: string; earlier: number; later: number; offsets: [number, number] }> = [];
  const sendsByKey = new Map<string, SendOp[]>();
  for (const s of okSends) sendsByKey.set(s.key, [...(sendsByKey.get(s.key) ?? []), s]);
  for (const [k, ss] of sendsByKey) {
    const byCall = [...ss].sort((a, b) => a.rec.callNs - b.rec.callNs);
    const byRet = [...ss].sort((a, b) => a.rec.retNs! - b.rec.retNs!);
    let j = 0;
    let top: SendOp | undefined;
    for (const s of byCall) {
      while (j < byRet.length && byRet[j]!.rec.retNs! < s.rec.callNs) {
        if (!top || byRet[j]!.offset! > top.offset!) top = byRet[j]!;
        j++;
      }
      if (top && s.offset! <= top.offset!) {
        nonmonotonicSends.push({ key: k, earlier: top.rec.index, later: s.rec.index, offsets: [top.offset!, s.offset!] });
        flag(s.rec.index, `send to key ${k} got offset ${s.offset}, not above offset ${top.offset} of op ${top.rec.index}, acknowledged before it began`);
      }
    }
  }

  const committed = checkCommitted(parsed, flag);

  // Latency from a send's acknowledgement to the first poll that returned its message.
  const lat: number[] = [];
  for (const s of okSends) {
    const p = polledAt.get(s.key)?.get(valueKey(s.msg));
    if (p) lat.push(Math.max(0, p.rec.retNs! - s.rec.retNs!));
  }
  const latency = quantiles(lat);

  const bad = {
    lost: lost.length,
    'inconsistent-offsets': inconsistent.length,
    duplicates: opts.allowDuplicates ? 0 : duplicates.length,
    'nonmonotonic-polls': nonmonotonic.length,
    gaps: gaps.length,
    'nonmonotonic-sends': nonmonotonicSends.length,
    'committed-backwards': committed.backwards.length,
    'committed-unknown': committed.unknown.length,
    'aborted-reads': aborted.length,
    phantoms: phantoms.length,
  };
  const found = Object.entries(bad).filter(([, n]) => n > 0);
  const valid = found.length ? false : malformed.length ? 'unknown' : true;
  const ms = (ns: number | undefined) => (ns === undefined ? '-' : `${(ns / 1e6).toFixed(0)} ms`);
  const summary =
    `kafka: ${okSends.length} acknowledged sends on ${logs.size} keys, ${okPolls.length} ok polls; ` +
    (found.length ? found.map(([k, n]) => `${n} ${k}`).join(', ') : 'no anomalies') +
    `; ${unseen.length} unseen${duplicates.length && opts.allowDuplicates ? `, ${duplicates.length} duplicates (allowed)` : ''}` +
    (lat.length ? `; ack → first poll p50 ${ms(latency.p50)}, p99 ${ms(latency.p99)}, max ${ms(latency.max)}` : '') +
    (malformed.length ? `; ${malformed.length} ops could not be read` : '');
  return {
    valid,
    summary,
    counts: { ...bad, duplicates: duplicates.length, unseen: unseen.length, sends: okSends.length, polls: okPolls.length, commits: commits.length, lists: lists.length },
    lost: lost.slice(0, LIMIT),
    unseen: unseen.slice(0, LIMIT),
    inconsistentOffsets: inconsistent.slice(0, LIMIT),
    duplicates: duplicates.slice(0, LIMIT),
    nonmonotonicPolls: nonmonotonic.slice(0, LIMIT),
    gaps: gaps.slice(0, LIMIT),
    nonmonotonicSends: nonmonotonicSends.slice(0, LIMIT),
    committedBackwards: committed.backwards.slice(0, LIMIT),
    committedUnknown: committed.unknown.slice(0, LIMIT),
    abortedReads: aborted.slice(0, LIMIT),
    phantoms: phantoms.slice(0, LIMIT),
    ackToPollNs: latency,
    ...(malformed.length ? { malformed: malformed.slice(0, 50), error: `${malformed.length} ops could not be read as kafka ops, e.g. op ${malformed[0]!.index}: ${malformed[0]!.why}` } : {}),
    offsetTimelines: offsetTimelines(logs, okSends, okPolls, { lost, inconsistent, duplicates, gaps, nonmonotonic, nonmonotonicSends }),
    ...(anomalies.length ? { anomalies: firstAnomalies(anomalies, 100) } : {}),
  };
}

/** Sorted xs within [lo, hi]. */
function inRange(xs: number[], lo: number, hi: number): number[] {
  let a = 0;
  let b = xs.length;
  while (a < b) {
    const m = (a + b) >> 1;
    if (xs[m]! < lo) a = m + 1;
    else b = m;
  }
  const out: number[] = [];
  for (let i = a; i < xs.length && xs[i]! <= hi; i++) out.push(xs[i]!);
  return out;
}

/**
 * Committed offsets. A list that returns `o` for a key after an op B (an acknowledged commit, or
 * a list that returned more) completed is backwards, unless some commit of `o` may have taken
 * effect after B began: crashed commits may land at any time, and an acknowledged one only up to
 * its acknowledgement. So both servers that keep the highest commit and servers that keep the
 * latest are judged fairly. A committed offset nobody committed is reported too.
 */
function checkCommitted(parsed: ReturnType<typeof parseKafka>, flag: (i: number, m: string) => void) {
  const backwards: Array<{ key: string; list: number; offset: number | null; before: number; beforeOffset: number }> = [];
  const unknown: Array<{ key: string; list: number; offset: number }> = [];
  interface Bound { callNs: number; retNs: number; value: number; index: number }
  const bounds = new Map<string, Bound[]>();
  // Latest time a commit of (key, offset) may have taken effect.
  const mayLand = new Map<string, number>();
  const add = (k: string, b: Bound) => bounds.set(k, [...(bounds.get(k) ?? []), b]);
  for (const c of parsed.commits) {
    if (c.rec.type === 'fail') continue;
    for (const [k, o] of Object.entries(c.offsets)) {
      const id = `${k}\u0000${o}`;
      const until = c.rec.type === 'ok' ? c.rec.retNs! : Infinity;
      mayLand.set(id, Math.max(mayLand.get(id) ?? -Infinity, until));
      if (c.rec.type === 'ok') add(k, { callNs: c.rec.callNs, retNs: c.rec.retNs!, value: o, index: c.rec.index });
    }
  }
  const okLists = parsed.lists.filter((l) => l.rec.type === 'ok');
  for (const l of okLists) for (const [k, o] of Object.entries(l.offsets)) add(k, { callNs: l.rec.callNs, retNs: l.rec.retNs!, value: o, index: l.rec.index });
  for (const l of okLists) {
    for (const k of l.keys) {
      const o = l.offsets[k];
      const landed = o === undefined ? -Infinity : (mayLand.get(`${k}\u0000${o}`) ?? -Infinity);
      if (o !== undefined && !mayLand.has(`${k}\u0000${o}`)) {
        unknown.push({ key: k, list: l.rec.index, offset: o });
        flag(l.rec.index, `committed offset ${o} of key ${k} was never committed`);
        continue;
      }
      const b = (bounds.get(k) ?? []).find((x) => x.retNs < l.rec.callNs && x.value > (o ?? -Infinity) && x.callNs > landed);
      if (!b) continue;
      backwards.push({ key: k, list: l.rec.index, offset: o ?? null, before: b.index, beforeOffset: b.value });
      flag(l.rec.index, `committed offset of key ${k} is ${o ?? 'none'}, but op ${b.index} had already ${parsed.commits.some((c) => c.rec.index === b.index) ? 'committed' : 'read'} ${b.value}`);
    }
  }
  return { backwards, unknown };
}

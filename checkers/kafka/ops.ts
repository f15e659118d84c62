// The kafka workload's op shapes, shared by its generator, every client (NATS JetStream, Kafka,
// and Maelstrom's `kafka` RPCs, which they mirror field for field) and its checker, plus the
// reader that turns a history's records into typed sends, polls, commits and committed-offset
// lists. Keys are strings; offsets are integers; messages are any JSON value (unique ints here).
//
//   send                   {key, msg}        → {key, msg, offset}
//   poll                   {offsets: {k: o}} → {offsets, msgs: {k: [[offset, msg], ...]}}
//   commit_offsets         {offsets: {k: o}} → {offsets}
//   list_committed_offsets {keys: [k, ...]}  → {keys, offsets: {k: o}}
//
// A poll asks for each key's messages from offset `o` on (the first returned offset must be ≥ o);
// a committed offset `o` means messages up to and including `o` were processed.

import type { OpRecord } from '../op-pairs.js';

export type Msg = unknown;
export type OffsetMap = Record<string, number>;

export interface SendValue { key: string; msg: Msg; offset?: number | null }
export interface PollValue { offsets: OffsetMap; msgs?: Record<string, Array<[number, Msg]>> }
export interface CommitValue { offsets: OffsetMap }
export interface ListValue { keys: string[]; offsets?: OffsetMap }

export const KAFKA_FS = ['send', 'poll', 'commit_offsets', 'list_committed_offsets'] as const;

export interface SendOp { rec: OpRecord; key: string; msg: Msg; offset: number | null }
export interface PollOp { rec: OpRecord; from: OffsetMap; msgs: Map<string, Array<[number, Msg]>>; final: boolean }
export interface CommitOp { rec: OpRecord; offsets: OffsetMap }
export interface ListOp { rec: OpRecord; keys: string[]; offsets: OffsetMap }

export interface ParsedKafka {
  sends: SendOp[];
  polls: PollOp[];
  commits: CommitOp[];
  lists: ListOp[];
  /** Ops whose value could not be read, with why (history index). */
  malformed: Array<{ index: number; why: string }>;
}

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const isOffset = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x);

function offsetMap(x: unknown): OffsetMap | undefined {
  if (x === undefined || x === null) return {};
  if (!isObj(x)) return undefined;
  const out: OffsetMap = {};
  for (const [k, v] of Object.entries(x)) {
    if (!isOffset(v)) return undefined;
    out[k] = v;
  }
  return out;
}

/** Reads the kafka ops of paired records; anything else is ignored. */
export function parseKafka(recs: readonly OpRecord[]): ParsedKafka {
  const out: ParsedKafka = { sends: [], polls: [], commits: [], lists: [], malformed: [] };
  const bad = (r: OpRecord, why: string) => out.malformed.push({ index: r.index, why: `${r.f}: ${why}` });
  for (const r of recs) {
    const inv = r.invoke.value;
    const done = r.type === 'ok' ? r.complete?.value : undefined;
    switch (r.f) {
      case 'send': {
        if (!isObj(inv) || typeof inv.key !== 'string') { bad(r, 'expected {key, msg}'); break; }
        let offset: number | null = null;
        if (r.type === 'ok') {
          const o = isObj(done) ? done.offset : undefined;
          if (!isOffset(o)) { bad(r, 'an ok send must return {offset}'); break; }
          offset = o;
        }
        out.sends.push({ rec: r, key: inv.key, msg: inv.msg, offset });
        break;
      }
      case 'poll': {
        const from = offsetMap(isObj(inv) ? inv.offsets : undefined);
        if (!from) { bad(r, 'expected {offsets: {key: offset}}'); break; }
        const msgs = new Map<string, Array<[number, Msg]>>();
        if (r.type === 'ok') {
          const m = isObj(done) ? done.msgs : undefined;
          if (m !== undefined && m !== null && !isObj(m)) { bad(r, 'msgs must map keys to [[offset, msg], ...]'); break; }
          let ok = true;
          for (const [k, pairs] of Object.entries(m ?? {})) {
            if (!Array.isArray(pairs) || !pairs.every((p) => Array.isArray(p) && p.length === 2 && isOffset(p[0]))) { ok = false; break; }
            msgs.set(k, pairs as Array<[number, Msg]>);
          }
          if (!ok) { bad(r, 'msgs must map keys to [[offset, msg], ...]'); break; }
        }
        out.polls.push({ rec: r, from, msgs, final: r.invoke.final === true });
        break;
      }
      case 'commit_offsets': {
        const offsets = offsetMap(isObj(inv) ? inv.offsets : undefined);
        if (!offsets) { bad(r, 'expected {offsets: {key: offset}}'); break; }
        out.commits.push({ rec: r, offsets });
        break;
      }
      case 'list_committed_offsets': {
        const keys = isObj(inv) && Array.isArray(inv.keys) ? inv.keys.map(String) : undefined;
        if (!keys) { bad(r, 'expected {keys: [...]}'); break; }
        let offsets: OffsetMap = {};
        if (r.type === 'ok') {
          const o = offsetMap(isObj(done) ? done.offsets : undefined);
          if (!o) { bad(r, 'an ok list must return {offsets: {key: offset}}'); break; }
          offsets = o;
        }
        out.lists.push({ rec: r, keys, offsets });
        break;
      }
      default:
    }
  }
  return out;
}

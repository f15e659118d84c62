// Maelstrom's request schemas for the echo, broadcast, txn (txn-list-append, txn-rw-register),
// unique-ids and kafka workloads, as op → request → completion. A reply that breaks the schema is
// recorded `info` with a malformed-request error (the request may have taken effect); a reply
// that follows it is recorded as is, and the checker judges it.

import type { Completion, Invocation } from '../protocols.js';
import { ERR, errorName, type Body } from './protocol.js';
import { sortElements } from './workload-client.js';

type Req = (body: Omit<Body, 'msg_id'>) => Promise<Body>;

function malformed(text: string): Completion {
  return { type: 'info', error: { code: ERR.malformedRequest, name: errorName(ERR.malformedRequest), text } };
}

function unsupported(workload: string, f: string): Completion {
  return { type: 'fail', error: { code: ERR.notSupported, name: errorName(ERR.notSupported), text: `${workload} workload has no f=${f}` } };
}

/** echo: {echo} → echo_ok {echo}; the completion carries what came back (the checker compares). */
export async function echoOp(op: Invocation, req: Req): Promise<Completion> {
  if (op.f !== 'echo') return unsupported('echo', op.f);
  const r = await req({ type: 'echo', echo: op.value });
  if (!('echo' in r)) return malformed('echo_ok has no echo field');
  return { type: 'ok', value: r.echo };
}

/** broadcast: {message} → broadcast_ok; read → read_ok {messages}. */
export async function broadcastOp(op: Invocation, req: Req): Promise<Completion> {
  switch (op.f) {
    case 'broadcast':
      await req({ type: 'broadcast', message: op.value });
      return { type: 'ok', value: op.value };
    case 'read': {
      const r = await req({ type: 'read' });
      if (!Array.isArray(r.messages)) return malformed('read_ok has no messages array');
      return { type: 'ok', value: sortElements(r.messages) };
    }
    default:
      return unsupported('broadcast', op.f);
  }
}

/** txn: {txn: [[f, k, v], ...]} → txn_ok {txn} with reads filled in; the history keeps micro-ops. */
export async function txnOp(op: Invocation, req: Req): Promise<Completion> {
  if (op.f !== 'txn') return unsupported('txn', op.f);
  const r = await req({ type: 'txn', txn: op.value });
  const sent = op.value as unknown[];
  if (!Array.isArray(r.txn) || r.txn.length !== sent.length) return malformed('txn_ok has no txn array of the request\'s length');
  for (let i = 0; i < sent.length; i++) {
    const [f, k] = sent[i] as unknown[];
    const got = r.txn[i] as unknown;
    if (!Array.isArray(got) || got.length !== 3 || got[0] !== f || JSON.stringify(got[1]) !== JSON.stringify(k)) {
      return malformed(`txn_ok micro-op ${i} is ${JSON.stringify(got)}, expected [${JSON.stringify(f)}, ${JSON.stringify(k)}, ...]`);
    }
  }
  return { type: 'ok', value: r.txn };
}

/** unique-ids: generate → generate_ok {id}. */
export async function generateOp(op: Invocation, req: Req): Promise<Completion> {
  if (op.f !== 'generate') return unsupported('unique-ids', op.f);
  const r = await req({ type: 'generate' });
  if (!('id' in r) || r.id === null || r.id === undefined) return malformed('generate_ok has no id');
  return { type: 'ok', value: r.id };
}

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const isOffset = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x);

/**
 * kafka: send {key, msg} → send_ok {offset}; poll {offsets} → poll_ok {msgs: {k: [[offset, msg],
 * ...]}}; commit_offsets {offsets} → commit_offsets_ok; list_committed_offsets {keys} →
 * list_committed_offsets_ok {offsets}. Completions carry the request's fields plus the reply's
 * (the shapes of checkers/kafka/ops.ts), so the checker sees what was asked and what came back.
 */
export async function kafkaOp(op: Invocation, req: Req): Promise<Completion> {
  const v = (isObj(op.value) ? op.value : {}) as { key?: unknown; msg?: unknown; offsets?: unknown; keys?: unknown };
  switch (op.f) {
    case 'send': {
      const r = await req({ type: 'send', key: v.key, msg: v.msg });
      if (!isOffset(r.offset)) return malformed(`send_ok offset is ${JSON.stringify(r.offset)}, not an integer`);
      return { type: 'ok', value: { key: v.key, msg: v.msg, offset: r.offset } };
    }
    case 'poll': {
      const r = await req({ type: 'poll', offsets: v.offsets });
      // A key with no messages may be left out (Maelstrom's schema); a missing map means none.
      const msgs = r.msgs ?? {};
      if (!isObj(msgs)) return malformed('poll_ok msgs is not a map of keys to [[offset, msg], ...]');
      for (const [k, pairs] of Object.entries(msgs)) {
        if (!Array.isArray(pairs) || !pairs.every((p) => Array.isArray(p) && p.length === 2 && isOffset(p[0]))) {
          return malformed(`poll_ok msgs of key ${JSON.stringify(k)} is not a list of [offset, msg] pairs`);
        }
      }
      return { type: 'ok', value: { offsets: v.offsets, msgs } };
    }
    case 'commit_offsets':
      await req({ type: 'commit_offsets', offsets: v.offsets });
      return { type: 'ok', value: { offsets: v.offsets } };
    case 'list_committed_offsets': {
      const r = await req({ type: 'list_committed_offsets', keys: v.keys });
      const offsets = r.offsets ?? {};
      if (!isObj(offsets) || !Object.values(offsets).every(isOffset)) return malformed('list_committed_offsets_ok offsets is not a map of keys to integer offsets');
      return { type: 'ok', value: { keys: v.keys, offsets } };
    }
    default:
      return unsupported('kafka', op.f);
  }
}

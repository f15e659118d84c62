// Maelstrom's built-in services, reachable from node programs by name on the Router: `lin-kv`
// (linearizable), `seq-kv` (sequentially consistent: each caller's view only moves forward through
// one total order of writes, but may lag behind), `lww-kv` (last-write-wins replicas merged after
// a random delay: stale reads and lost cas updates happen, as Maelstrom's) and `lin-tso` (a
// linearizable timestamp oracle). KV requests: read {key} → read_ok {value}, write {key, value}
// → write_ok, cas {key, from, to, create_if_not_exists?} → cas_ok; errors 20 key-does-not-exist,
// 22 precondition-failed, 12 malformed-request, 10 not-supported. Services sit beside the
// nodes like Maelstrom's: client-to-node faults do not touch them.

import { createRng, type Rng } from '../rng.js';
import { ERR, errorBody, type Body, type Message } from './protocol.js';
import type { Router } from './router.js';

export const SERVICE_NAMES = ['lin-kv', 'seq-kv', 'lww-kv', 'lin-tso'] as const;

type Reply = Omit<Body, 'in_reply_to'>;
const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
const keyOf = (k: unknown): string => JSON.stringify(k ?? null);

/** The KV request semantics over a state lookup/store; `caller` identifies the node asking. */
interface KvState {
  get(caller: string, key: string): { value: unknown } | undefined;
  put(caller: string, key: string, value: unknown): void;
}

function kvRequest(st: KvState, caller: string, b: Body): Reply {
  if (!('key' in b)) return errorBody(ERR.malformedRequest, `${b.type} needs a key`);
  const key = keyOf(b.key);
  switch (b.type) {
    case 'read': {
      const cur = st.get(caller, key);
      return cur ? { type: 'read_ok', value: cur.value } : errorBody(ERR.keyDoesNotExist, `key ${key} does not exist`);
    }
    case 'write':
      st.put(caller, key, b.value);
      return { type: 'write_ok' };
    case 'cas': {
      const cur = st.get(caller, key);
      if (!cur && b.create_if_not_exists !== true) return errorBody(ERR.keyDoesNotExist, `key ${key} does not exist`);
      if (cur && !same(cur.value, b.from)) return errorBody(ERR.preconditionFailed, `expected ${JSON.stringify(b.from)}, but had ${JSON.stringify(cur.value)}`);
      st.put(caller, key, b.to);
      return { type: 'cas_ok' };
    }
    default:
      return errorBody(ERR.notSupported, `kv service has no request type ${b.type}`);
  }
}

function linKv(): KvState {
  const m = new Map<string, unknown>();
  return { get: (_c, k) => (m.has(k) ? { value: m.get(k) } : undefined), put: (_c, k, v) => void m.set(k, v) };
}

/** One total order of writes (versions); each caller reads at a version no older than its last. */
function seqKv(rng: Rng): KvState {
  const versions = new Map<string, { ver: number; value: unknown }[]>();
  const seen = new Map<string, number>();
  let latest = 0;
  const at = (key: string, ver: number): { value: unknown } | undefined => {
    const vs = versions.get(key);
    if (!vs) return undefined;
    let lo = 0, hi = vs.length - 1, found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (vs[mid]!.ver <= ver) (found = mid), (lo = mid + 1);
      else hi = mid - 1;
    }
    return found < 0 ? undefined : { value: vs[found]!.value };
  };
  return {
    get(caller, key) {
      const from = seen.get(caller) ?? 0;
      // Half the time the newest state, else any state between the caller's last view and now.
      const ver = rng.next() < 0.5 ? latest : from + rng.int(latest - from + 1);
      seen.set(caller, ver);
      return at(key, ver);
    },
    put(caller, key, value) {
      latest++;
      const vs = versions.get(key) ?? [];
      vs.push({ ver: latest, value });
      versions.set(key, vs);
      seen.set(caller, latest);
    },
  };
}

/** Replicas with last-write-wins registers, each write copied to the others after a delay. */
function lwwKv(rng: Rng, timers: Set<NodeJS.Timeout>, replicas = 3, maxDelayMs = 200): KvState {
  const reps = Array.from({ length: replicas }, () => new Map<string, { value: unknown; ts: number }>());
  let clock = 0;
  const apply = (r: Map<string, { value: unknown; ts: number }>, key: string, v: { value: unknown; ts: number }): void => {
    const cur = r.get(key);
    if (!cur || cur.ts < v.ts) r.set(key, v);
  };
  return {
    get: (_c, key) => {
      const v = reps[rng.int(replicas)]!.get(key);
      return v ? { value: v.value } : undefined;
    },
    put: (_c, key, value) => {
      const v = { value, ts: ++clock };
      const first = rng.int(replicas);
      apply(reps[first]!, key, v);
      for (let i = 0; i < replicas; i++) {
        if (i === first) continue;
        const t = setTimeout(() => (timers.delete(t), apply(reps[i]!, key, v)), rng.int(maxDelayMs + 1));
        timers.add(t);
      }
    },
  };
}

/** Starts the services on the router; returns a function that stops them. */
export function startServices(router: Router, seed: number): () => void {
  const timers = new Set<NodeJS.Timeout>();
  const kvs: Record<string, KvState> = {
    'lin-kv': linKv(),
    'seq-kv': seqKv(createRng(seed + 101)),
    'lww-kv': lwwKv(createRng(seed + 202), timers),
  };
  let ts = 0;
  const serve = (name: string, handle: (m: Message) => Reply): void => {
    router.register(name, 'service', (m) => {
      if (m.body.msg_id === undefined) return; // nothing to answer
      const reply = { ...handle(m), in_reply_to: m.body.msg_id } as Body;
      // Answer on a later turn, as a remote service would (and never re-entering the router).
      setImmediate(() => router.send({ src: name, dest: m.src, body: reply }));
    });
  };
  for (const [name, st] of Object.entries(kvs)) serve(name, (m) => kvRequest(st, m.src, m.body));
  serve('lin-tso', (m) => (m.body.type === 'ts' ? { type: 'ts_ok', ts: ++ts } : errorBody(ERR.notSupported, `lin-tso has no request type ${m.body.type}`)));
  return () => {
    for (const t of timers) clearTimeout(t);
    timers.clear();
    for (const n of SERVICE_NAMES) router.unregister(n);
  };
}

// Clients for Redis 7.0 through ioredis, talking to the primary (directly, or found through
// Sentinel): register (GET/SET, cas as a Lua script), set (SADD/SMEMBERS), list-append (each
// transaction one Lua script: atomic on the primary), lock (SET NX PX with a random token, released
// by a compare-and-delete script). Redlock over independent primaries is in redlock.ts. Keys are
// under a per-run prefix.

import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { FaultlineError } from '../../src/errors.js';
import type { Client, Completion, Invocation, Test } from '../../src/protocols.js';
import { errorCompletion, message, openRedis, type Target } from './connection.js';

export interface RedisClientConfig {
  /** Where a worker bound to `node` finds the primary. */
  target(node: string): Target;
  /** Key prefix of the run: faultline:<run id>: */
  prefix: string;
  timeoutMs: number;
  lockTtlMs: number;
}

const enc = (v: unknown): string => JSON.stringify(v);
const dec = (s: string | null): unknown => (s === null ? null : JSON.parse(s));

export const CAS_SCRIPT = `if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('SET', KEYS[1], ARGV[2]); return 1 else return 0 end`;
/** Deletes the lock key only if it still holds our token: never someone else's lock. */
export const UNLOCK_SCRIPT = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;
/** A list-append transaction: ARGV holds (f, v) pairs, one per key; reads return lists, appends 0. */
export const TXN_SCRIPT = `local out = {}
for i, k in ipairs(KEYS) do
  if ARGV[2 * i - 1] == 'r' then out[i] = redis.call('LRANGE', k, 0, -1)
  else redis.call('RPUSH', k, ARGV[2 * i]); out[i] = 0 end
end
return out`;

abstract class RedisClientBase implements Client {
  protected redis?: Redis;
  constructor(protected readonly cfg: RedisClientConfig) {}
  protected abstract fresh(): RedisClientBase;

  async open(_test: Test, node: string): Promise<Client> {
    const c = this.fresh();
    c.redis = await openRedis(this.cfg.target(node), this.cfg.timeoutMs);
    return c;
  }

  protected get r(): Redis {
    if (!this.redis) throw new FaultlineError('INTERNAL', 'Redis client used before open');
    return this.redis;
  }

  protected key(k: string): string {
    return `${this.cfg.prefix}${k}`;
  }

  abstract invoke(test: Test, op: Invocation): Promise<Completion>;

  async close(): Promise<void> {
    this.redis?.disconnect();
  }
}

export class RedisRegisterClient extends RedisClientBase {
  protected fresh(): RedisClientBase {
    return new RedisRegisterClient(this.cfg);
  }

  async invoke(_test: Test, op: Invocation): Promise<Completion> {
    const [k, v] = op.value as [unknown, unknown];
    const key = this.key(`register:${JSON.stringify(k)}`);
    try {
      switch (op.f) {
        case 'read':
          return { type: 'ok', value: [k, dec(await this.r.get(key))] };
        case 'write':
          await this.r.set(key, enc(v));
          return { type: 'ok', value: [k, v] };
        case 'cas': {
          const [from, to] = v as [unknown, unknown];
          const done = (await this.r.eval(CAS_SCRIPT, 1, key, enc(from), enc(to))) as number;
          return done === 1 ? { type: 'ok', value: [k, [from, to]] } : { type: 'fail', error: 'cas-mismatch' };
        }
        default:
          throw new FaultlineError('UNSUPPORTED', `register client has no op ${op.f}`);
      }
    } catch (e) {
      return errorCompletion(e, op.f === 'read');
    }
  }
}

export class RedisSetClient extends RedisClientBase {
  protected fresh(): RedisClientBase {
    return new RedisSetClient(this.cfg);
  }

  async invoke(_test: Test, op: Invocation): Promise<Completion> {
    try {
      if (op.f === 'add') {
        await this.r.sadd(this.key('set'), enc(op.value));
        return { type: 'ok', value: op.value };
      }
      if (op.f === 'read') {
        const els = (await this.r.smembers(this.key('set'))).map((s) => JSON.parse(s) as unknown);
        els.sort((a, b) => (typeof a === 'number' && typeof b === 'number' ? a - b : JSON.stringify(a).localeCompare(JSON.stringify(b))));
        return { type: 'ok', value: els };
      }
      throw new FaultlineError('UNSUPPORTED', `set client has no op ${op.f}`);
    } catch (e) {
      return errorCompletion(e, op.f === 'read');
    }
  }
}

type MicroOp = [string, unknown, unknown];

export class RedisListAppendClient extends RedisClientBase {
  protected fresh(): RedisClientBase {
    return new RedisListAppendClient(this.cfg);
  }

  async invoke(_test: Test, op: Invocation): Promise<Completion> {
    if (op.f !== 'txn') throw new FaultlineError('UNSUPPORTED', `list-append client has no op ${op.f}`);
    const mops = op.value as MicroOp[];
    for (const [f] of mops) if (f !== 'r' && f !== 'append') throw new FaultlineError('UNSUPPORTED', `list-append micro-op ${f}`);
    const keys = mops.map(([, k]) => this.key(`list:${JSON.stringify(k)}`));
    const args = mops.flatMap(([f, , v]) => [f, f === 'r' ? '' : enc(v)]);
    try {
      const res = (await this.r.eval(TXN_SCRIPT, keys.length, ...keys, ...args)) as Array<string[] | number>;
      const out: MicroOp[] = mops.map(([f, k, v], i) => (f === 'r' ? [f, k, (res[i] as string[]).map((s) => JSON.parse(s) as unknown)] : [f, k, v]));
      return { type: 'ok', value: out };
    } catch (e) {
      return errorCompletion(e, mops.every(([f]) => f === 'r'));
    }
  }
}

/** SET key token NX PX ttl: held until released or until the TTL passes, whichever comes first. */
export class RedisLockClient extends RedisClientBase {
  private token?: string;
  protected fresh(): RedisClientBase {
    return new RedisLockClient(this.cfg);
  }

  async invoke(_test: Test, op: Invocation): Promise<Completion> {
    const key = this.key('lock');
    if (op.f === 'acquire') {
      if (this.token) return { type: 'fail', error: 'already-held' };
      const token = randomBytes(8).toString('hex');
      try {
        const r = await this.r.set(key, token, 'PX', this.cfg.lockTtlMs, 'NX');
        if (r !== 'OK') return { type: 'fail', error: 'lock-held' };
        this.token = token;
        return { type: 'ok', value: { leaseMs: this.cfg.lockTtlMs } };
      } catch (e) {
        return errorCompletion(e, false); // may be ours until the TTL passes
      }
    }
    if (op.f === 'release') {
      const token = this.token;
      if (!token) return { type: 'fail', error: 'not-held' };
      this.token = undefined;
      try {
        const n = (await this.r.eval(UNLOCK_SCRIPT, 1, key, token)) as number;
        return { type: 'ok', value: n === 1 ? { released: true } : { released: false, lost: 'the key no longer held our token (TTL passed)' } };
      } catch (e) {
        return { type: 'info', error: message(e) };
      }
    }
    // The fenced lock workload's write: the recipe gives no token to fence with (a definite no-op).
    if (op.f === 'write') return { type: 'fail', error: 'unsupported: this Redis lock recipe has no fencing token' };
    throw new FaultlineError('UNSUPPORTED', `lock client has no op ${op.f}`);
  }
}

// Redlock (the algorithm Redis documents for a lock over N independent primaries): SET key token NX
// PX ttl on every primary at once, each with a short timeout; the lock is held when a majority said
// OK and time is left: validity = ttl - elapsed - clock drift allowance (1 % of the ttl + 2 ms).
// Otherwise every instance is unlocked (compare-and-delete of our token) and the acquire fails.
// Nothing renews the lease: a holder that stalls past its validity no longer holds the lock, as
// far as Redis is concerned, whatever it believes.

import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { FaultlineError } from '../../src/errors.js';
import type { Client, Completion, Invocation, Test } from '../../src/protocols.js';
import { connectRedis } from './connection.js';
import { UNLOCK_SCRIPT, type RedisClientConfig } from './clients.js';

export interface RedlockConfig extends RedisClientConfig {
  /** Every primary's node name. */
  instances: readonly string[];
}

export class RedlockClient implements Client {
  private conns = new Map<string, Redis>();
  private held?: { token: string; validUntil: number };
  constructor(private readonly cfg: RedlockConfig) {}

  async open(): Promise<Client> {
    const c = new RedlockClient(this.cfg);
    // Every instance gets a connection; one that cannot be reached now keeps reconnecting (its
    // commands fail at once meanwhile, counted as "no"): the lock needs only a majority.
    const ready = await Promise.all(
      this.cfg.instances.map(async (n) => {
        const r = connectRedis(this.cfg.target(n), this.cfg.timeoutMs);
        c.conns.set(n, r);
        let timer: NodeJS.Timeout | undefined;
        return Promise.race([r.connect().then(() => true), new Promise<boolean>((res) => (timer = setTimeout(() => res(false), this.cfg.timeoutMs)))])
          .catch(() => false)
          .finally(() => clearTimeout(timer));
      }),
    );
    if (ready.filter(Boolean).length < Math.floor(this.cfg.instances.length / 2) + 1) {
      await c.close();
      throw new Error(`Redlock: fewer than a majority of the ${this.cfg.instances.length} instances reachable`);
    }
    return c;
  }

  private key(): string {
    return `${this.cfg.prefix}redlock`;
  }

  /** Runs f on every instance with the per-instance timeout; resolves to the answers (errors as undefined). */
  private async each<T>(f: (r: Redis) => Promise<T>, timeoutMs: number): Promise<Array<T | undefined>> {
    return Promise.all(
      [...this.conns.values()].map((r) => {
        let timer: NodeJS.Timeout | undefined;
        return Promise.race([f(r), new Promise<undefined>((res) => (timer = setTimeout(() => res(undefined), timeoutMs)))])
          .catch(() => undefined)
          .finally(() => clearTimeout(timer));
      }),
    );
  }

  async invoke(_test: Test, op: Invocation): Promise<Completion> {
    const ttl = this.cfg.lockTtlMs;
    if (op.f === 'acquire') {
      if (this.held) return { type: 'fail', error: 'already-held' };
      const token = randomBytes(8).toString('hex');
      const t0 = Date.now();
      // Per-instance timeout small next to the TTL, as Redlock asks: a dead instance must not eat the lease.
      const perInstance = Math.max(20, Math.min(this.cfg.timeoutMs, Math.floor(ttl / 10)));
      const answers = await this.each((r) => r.set(this.key(), token, 'PX', ttl, 'NX'), perInstance);
      const oks = answers.filter((a) => a === 'OK').length;
      const quorum = Math.floor(this.cfg.instances.length / 2) + 1;
      const validity = ttl - (Date.now() - t0) - (Math.floor(ttl * 0.01) + 2);
      if (oks >= quorum && validity > 0) {
        this.held = { token, validUntil: Date.now() + validity };
        return { type: 'ok', value: { leaseMs: validity, instances: oks } };
      }
      // Not acquired: undo what we may have set (also where the answer was lost), so nobody waits for our TTL.
      await this.each((r) => r.eval(UNLOCK_SCRIPT, 1, this.key(), token), this.cfg.timeoutMs);
      return { type: 'fail', error: oks >= quorum ? `acquired too slowly (validity ${validity} ms)` : `lock-held (${oks}/${this.cfg.instances.length} instances)` };
    }
    if (op.f === 'release') {
      const held = this.held;
      if (!held) return { type: 'fail', error: 'not-held' };
      this.held = undefined;
      const answers = await this.each((r) => r.eval(UNLOCK_SCRIPT, 1, this.key(), held.token) as Promise<number>, this.cfg.timeoutMs);
      const deleted = answers.filter((a) => a === 1).length;
      const late = Date.now() > held.validUntil;
      if (answers.every((a) => a === undefined)) return { type: 'info', error: 'no instance answered the unlock' };
      return { type: 'ok', value: { released: deleted > 0, instances: deleted, ...(late ? { lost: `released after the lock's validity (${Date.now() - held.validUntil} ms late)` } : {}) } };
    }
    // The fenced lock workload's write: the recipe gives no token to fence with (a definite no-op).
    if (op.f === 'write') return { type: 'fail', error: 'unsupported: this Redis lock recipe has no fencing token' };
    throw new FaultlineError('UNSUPPORTED', `Redlock client has no op ${op.f}`);
  }

  async close(): Promise<void> {
    for (const r of this.conns.values()) r.disconnect();
    this.conns.clear();
  }
}


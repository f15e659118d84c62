// etcd's lease lock, written out so that its keepalives belong to the client: a lease (TTL
// lockTtlS) kept alive by this client's own timer every third of the TTL, and the lock key created
// under it only if absent (a try-lock: a held lock makes acquire fail at once, definitely). The
// key's create revision is a fencing token. Freezing the client (the stall nemesis: a GC or VM
// pause) stops the keepalives as a real pause would: the lease expires on the cluster, the key
// goes, and another client acquires the lock while the first still believes it holds it.
// `write` (the fenced lock workload) stores the token in a resource key only if no higher token is
// there, in one transaction, so a stale holder's write is refused.

import type { Etcd3, Lease } from 'etcd3';
import type { Client, Completion, Invocation, Test } from '../../src/protocols.js';
import { FaultlineError } from '../../src/errors.js';
import { connectEtcd, errorCompletion, type EtcdClientConfig } from './clients.js';

const pad = (n: number | string): string => String(n).padStart(20, '0');
const message = (e: unknown): string => ((e as Error)?.message ?? String(e)).split('\n')[0]!;

export class EtcdLockClient implements Client {
  private etcd?: Etcd3;
  private held?: { lease: Lease; token: number };
  private timer?: NodeJS.Timeout;
  private frozen = false;
  constructor(private readonly cfg: EtcdClientConfig) {}

  async open(_test: Test, node: string): Promise<Client> {
    const c = new EtcdLockClient(this.cfg);
    c.etcd = connectEtcd(this.cfg.endpoint(node), this.cfg.timeoutMs);
    return c;
  }

  private get e(): Etcd3 {
    if (!this.etcd) throw new FaultlineError('INTERNAL', 'etcd client used before open');
    return this.etcd;
  }

  private key(k: string): string {
    return `${this.cfg.prefix ?? ''}${k}`;
  }

  async setup(): Promise<void> {
    // The fenced resource starts at token 0, so one comparison covers every later write.
    await this.e.if(this.key('fenced'), 'Create', '==', 0).then(this.e.put(this.key('fenced')).value(pad(0))).commit();
  }

  async invoke(_test: Test, op: Invocation): Promise<Completion> {
    if (op.f === 'acquire') return this.acquire();
    if (op.f === 'release') return this.release();
    if (op.f === 'write') return this.fencedWrite();
    throw new FaultlineError('UNSUPPORTED', `lock client has no op ${op.f}`);
  }

  private async acquire(): Promise<Completion> {
    if (this.held) return { type: 'fail', error: 'already-held' };
    const lease = this.e.lease(this.cfg.lockTtlS, { autoKeepAlive: false });
    lease.on('lost', () => {}); // reported through release; an unhandled 'lost' must not crash the run
    let granted = false;
    try {
      const id = await lease.grant();
      granted = true;
      const r = await this.e.kv.txn({
        compare: [{ key: Buffer.from(this.key('lock')), target: 'Create', result: 'Equal', create_revision: '0' }],
        success: [{ request_put: { key: Buffer.from(this.key('lock')), value: Buffer.from(id), lease: id } }],
      });
      if (!r.succeeded) {
        await lease.revoke().catch(() => {});
        return { type: 'fail', error: 'lock-held' };
      }
      this.held = { lease, token: Number(r.header.revision) };
      this.keepAlive();
      return { type: 'ok', value: { token: this.held.token, leaseMs: this.cfg.lockTtlS * 1000 } };
    } catch (e) {
      // Unknown: we may hold it. Revoke the lease so we surely do not from now on (else it expires).
      if (granted) await lease.revoke().catch(() => {});
      return errorCompletion(e, !granted);
    }
  }

  private keepAlive(): void {
    clearInterval(this.timer);
    if (!this.held || this.frozen) return;
    const lease = this.held.lease;
    this.timer = setInterval(() => void lease.keepaliveOnce().catch(() => {}), Math.max(100, (this.cfg.lockTtlS * 1000) / 3));
  }

  private async release(): Promise<Completion> {
    const held = this.held;
    if (!held) return { type: 'fail', error: 'not-held' };
    this.held = undefined;
    clearInterval(this.timer);
    try {
      await held.lease.revoke();
      return { type: 'ok', value: { released: true } };
    } catch (e) {
      if (/not found/i.test(message(e))) return { type: 'ok', value: { released: false, lost: 'the lease had expired' } };
      // The lease may or may not be revoked; it expires after its TTL in any case.
      return { type: 'info', error: message(e) };
    }
  }

  private async fencedWrite(): Promise<Completion> {
    const held = this.held;
    if (!held) return { type: 'fail', error: 'not-held' };
    const key = Buffer.from(this.key('fenced'));
    try {
      const r = await this.e.kv.txn({
        compare: [{ key, target: 'Value', result: 'Greater', value: Buffer.from(pad(held.token)) }],
        success: [{ request_range: { key } }],
        failure: [{ request_put: { key, value: Buffer.from(pad(held.token)) } }],
      });
      if (r.succeeded) {
        const stored = Number(r.responses[0]?.response_range?.kvs[0]?.value.toString() ?? 0);
        return { type: 'fail', value: { token: held.token, stored }, error: `fenced: token ${held.token} < ${stored}` };
      }
      return { type: 'ok', value: { token: held.token } };
    } catch (e) {
      return errorCompletion(e, false);
    }
  }

  freeze(): void {
    this.frozen = true;
    clearInterval(this.timer);
  }

  thaw(): void {
    this.frozen = false;
    this.keepAlive();
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.held?.lease.revoke().catch(() => {});
    this.held = undefined;
    this.etcd?.close();
  }
}

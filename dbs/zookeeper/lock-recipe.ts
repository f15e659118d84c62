// ZooKeeper's standard lock recipe, per worker session: acquire creates lock/lock-<seq>
// (ephemeral sequential), holds the lock when its znode is the lowest, else watches the znode just
// before it and waits (at most lockWaitMs, then withdraws: a definite fail). The lease is the
// session: when the server hears nothing for the session timeout, the session expires and the
// znode goes, whether or not the holder knows. The znode's sequence number is a fencing token:
// `write` (the fenced lock workload) stores it in the resource znode only if no higher token is
// there, so a holder whose session expired is refused once a newer holder wrote. The resource is
// written through a second session (opened on the first write, with the longest session timeout the
// servers grant): it stands for the storage service the lock guards, which is not the lock service.
// Through the lock's own session a stale holder could write nothing at all (its session is gone),
// so the fence would never be exercised; Kleppmann's stale holder still reaches the storage.

import { FaultlineError } from '../../src/errors.js';
import type { Completion, Invocation, Test } from '../../src/protocols.js';
import { codes, zk, ZkSession } from './session.js';
import { errorCompletion, isCode, message, ZkClientBase } from './clients.js';

const seqOf = (name: string): number => Number(name.slice(name.lastIndexOf('-') + 1));

/** Asked for the resource's session; servers clamp it to at most 20 ticks (20 s by default). */
const RESOURCE_SESSION_MS = 20_000;

export class ZkLockClient extends ZkClientBase {
  private held?: { path: string; token: number };
  private resource?: ZkSession;
  protected fresh(): ZkClientBase {
    return new ZkLockClient(this.cfg);
  }
  protected override dirs(): string[] {
    return ['lock'];
  }

  async invoke(_test: Test, op: Invocation): Promise<Completion> {
    switch (op.f) {
      case 'acquire':
        return this.acquire();
      case 'release':
        return this.release();
      case 'write':
        return this.fencedWrite();
      default:
        throw new FaultlineError('UNSUPPORTED', `lock client has no op ${op.f}`);
    }
  }

  private async acquire(): Promise<Completion> {
    if (this.held) return { type: 'fail', error: 'already-held' };
    let mine: string;
    try {
      mine = await this.s.create(this.path('lock/lock-'), Buffer.from(this.s.host), zk().CreateMode.EPHEMERAL_SEQUENTIAL);
    } catch (e) {
      // The znode may exist: if it does it is ours and we may hold the lock without knowing. The
      // worker's session is closed after an indefinite op, which deletes the znode.
      return errorCompletion(e, false);
    }
    const name = mine.slice(mine.lastIndexOf('/') + 1);
    const deadline = Date.now() + this.cfg.lockWaitMs;
    try {
      for (;;) {
        const children = (await this.s.getChildren(this.path('lock'))).sort((a, b) => seqOf(a) - seqOf(b));
        const i = children.indexOf(name);
        if (i < 0) throw new Error(`our lock znode ${name} vanished (session expired?)`);
        if (i === 0) {
          this.held = { path: mine, token: seqOf(name) };
          return { type: 'ok', value: { token: this.held.token, leaseMs: this.cfg.sessionTimeoutMs } };
        }
        // Watch only the predecessor (no herd effect); wake when it goes or when our wait is up.
        const left = deadline - Date.now();
        if (left <= 0) break;
        let wake!: () => void;
        const changed = new Promise<void>((r) => (wake = r));
        const stat = await this.s.exists(this.path(`lock/${children[i - 1]!}`), () => wake());
        if (stat === null) continue;
        await Promise.race([changed, new Promise((r) => setTimeout(r, left))]);
      }
    } catch (e) {
      return this.withdraw(mine, e);
    }
    return this.withdraw(mine);
  }

  /** Gives up waiting: our znode goes, so we surely do not hold the lock (else we cannot tell). */
  private async withdraw(path: string, cause?: unknown): Promise<Completion> {
    try {
      await this.s.remove(path);
    } catch (e) {
      if (!isCode(e, codes().NO_NODE)) return { type: 'info', error: `could not withdraw from the lock queue: ${message(e)}` };
    }
    return { type: 'fail', error: cause ? message(cause) : `lock-held (waited ${this.cfg.lockWaitMs} ms)` };
  }

  private async release(): Promise<Completion> {
    const held = this.held;
    if (!held) return { type: 'fail', error: 'not-held' };
    this.held = undefined;
    try {
      await this.s.remove(held.path);
      return { type: 'ok', value: { released: true } };
    } catch (e) {
      // The session expired meanwhile: the lock was gone before we let go of it.
      if (isCode(e, codes().NO_NODE) || this.s.expired) return { type: 'ok', value: { released: false, lost: `our znode was already gone (${this.s.expired ? 'session expired' : 'no node'})` } };
      return { type: 'info', error: message(e) };
    }
  }

  /** The resource's session (a connection that fails to open is a definite fail of the write). */
  private async store(): Promise<ZkSession> {
    if (this.resource?.expired) {
      this.resource.close();
      this.resource = undefined;
    }
    this.resource ??= await ZkSession.open(this.s.host, { sessionTimeoutMs: RESOURCE_SESSION_MS, timeoutMs: this.cfg.timeoutMs });
    return this.resource;
  }

  /** Stores our token in the resource znode unless a higher one is there (versioned setData). */
  private async fencedWrite(): Promise<Completion> {
    const held = this.held;
    if (!held) return { type: 'fail', error: 'not-held' };
    const path = this.path('fenced');
    const { NO_NODE, NODE_EXISTS, BAD_VERSION } = codes();
    let store: ZkSession;
    try {
      store = await this.store();
    } catch (e) {
      return errorCompletion(e, true);
    }
    try {
      for (let attempt = 0; attempt < 5; attempt++) {
        let stored = -1;
        let version = -1;
        try {
          const r = await store.getData(path);
          stored = (JSON.parse(r.data?.toString() || '{"token":-1}') as { token: number }).token;
          version = r.stat.version;
        } catch (e) {
          if (!isCode(e, NO_NODE)) return errorCompletion(e, true);
        }
        if (stored > held.token) return { type: 'fail', value: { token: held.token, stored }, error: `fenced: token ${held.token} < ${stored}` };
        const data = Buffer.from(JSON.stringify({ token: held.token }));
        try {
          if (version < 0) await store.create(path, data, zk().CreateMode.PERSISTENT);
          else await store.setData(path, data, version);
          return { type: 'ok', value: { token: held.token } };
        } catch (e) {
          if (!isCode(e, BAD_VERSION) && !isCode(e, NODE_EXISTS)) throw e;
          // Someone wrote in between: look again (the conditional write did not apply).
        }
      }
      return { type: 'fail', error: 'contended: the resource changed under us five times' };
    } catch (e) {
      return errorCompletion(e, false);
    }
  }

  /** A pause freezes the whole client process: both its sessions. */
  override freeze(): void {
    super.freeze();
    this.resource?.freeze();
  }

  override thaw(): void {
    super.thaw();
    this.resource?.thaw();
  }

  override async close(): Promise<void> {
    this.resource?.close();
    await super.close();
  }
}

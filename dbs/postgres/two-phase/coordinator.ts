// The two-phase-commit coordinator (runs in its own process, so that a crash is a real SIGKILL).
// A transfer locks its accounts on each participant in a fixed order (participant, then
// account: no distributed deadlock), moves the money, PREPAREs a branch on every participant,
// logs the commit decision durably, then COMMIT PREPAREs each branch. A failure before the
// decision rolls the prepared branches back (definite failure). Recovery, at start and when
// asked, lists the run's prepared transactions on every participant and resolves those not in
// flight by the log: commit if a logged decision names that participant, else presumed abort.

import type { InDoubtResolution, RecoveryReport } from '../../../checkers/two-phase/evidence.js';
import type { Transfer } from '../../../workloads/bank.js';
import type { SqlConn } from '../../sql/conn.js';
import { classifyPg, connectPg, pgDialect } from '../pg-driver.js';
import { CoordinatorLog } from './log.js';
import { participantOf, type CoordinatorConfig, type CrashPoint } from './protocol.js';

export type TransferOutcome = { ok: true; value: unknown } | { ok: false; definite: boolean; error: string };

/** Idle connections per participant; a connection that erred is dropped, not reused. */
class Pool {
  private readonly idle = new Map<string, SqlConn[]>();
  constructor(private readonly connect: (p: string) => Promise<SqlConn>) {}
  async acquire(p: string): Promise<SqlConn> {
    return this.idle.get(p)?.pop() ?? this.connect(p);
  }
  release(p: string, c: SqlConn): void {
    this.idle.set(p, [...(this.idle.get(p) ?? []), c]);
  }
}

export class Coordinator {
  private readonly log: CoordinatorLog;
  private readonly pool: Pool;
  private readonly names: string[];
  /** Transactions this process is working on: recovery leaves them alone. */
  private readonly inFlight = new Set<string>();
  private seq: number;
  private armed: CrashPoint | null = null;
  private recovering: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly cfg: CoordinatorConfig,
    /** Called at an armed crash point; never returns (the process dies). */
    private readonly die: (point: CrashPoint, gid: string, transfer: Transfer) => Promise<never>,
  ) {
    this.log = new CoordinatorLog(cfg.logPath, cfg.gidPrefix);
    this.seq = this.log.maxSeq;
    this.names = cfg.participants.map((p) => p.name);
    const addr = new Map(cfg.participants.map((p) => [p.name, p.addr]));
    this.pool = new Pool((p) =>
      connectPg(addr.get(p)!, { statementTimeoutMs: Math.round(cfg.timeoutMs * 0.8), lockTimeoutMs: Math.round(cfg.timeoutMs * 0.5), connectTimeoutMs: cfg.timeoutMs, applicationName: 'faultline-2pc' }),
    );
  }

  arm(point: CrashPoint): void {
    this.armed = point;
  }

  private async crashPoint(point: CrashPoint, gid: string, t: Transfer, branches: number): Promise<void> {
    // Only transactions over two participants leave something in doubt worth recovering.
    if (this.armed === point && branches > 1) {
      this.armed = null;
      await this.die(point, gid, t);
    }
  }

  async transfer(t: Transfer): Promise<TransferOutcome> {
    const n = this.names.length;
    const home = (a: number) => this.names[participantOf(a, n)]!;
    const ps = [...new Set([home(t.from), home(t.to)])].sort((a, b) => this.names.indexOf(a) - this.names.indexOf(b));
    const gid = `${this.cfg.gidPrefix}${++this.seq}`;
    const conns = new Map<string, SqlConn>();
    const broken = new Set<string>();
    const table = this.cfg.table;
    const run = async (p: string, sql: string, params?: unknown[]) => {
      try {
        return await conns.get(p)!.query(sql, params);
      } catch (e) {
        broken.add(p);
        throw e;
      }
    };
    const prepared: string[] = [];
    try {
      // Phase 1: lock and write on every participant, in the global order.
      const balance = new Map<number, number>();
      for (const p of ps) {
        conns.set(p, await this.pool.acquire(p));
        await run(p, `BEGIN ISOLATION LEVEL ${this.cfg.isolation.toUpperCase().replace('-', ' ')}`);
        for (const a of [t.from, t.to].filter((x) => home(x) === p).sort((x, y) => x - y)) {
          const r = await run(p, `SELECT balance FROM ${table} WHERE id = $1 FOR UPDATE`, [a]);
          if (!r.rows.length) throw new Definite(`no account ${a}`);
          balance.set(a, Number(r.rows[0]!.balance));
        }
      }
      if (balance.get(t.from)! < t.amount) throw new Definite('insufficient-funds');
      await run(home(t.from), `UPDATE ${table} SET balance = $1 WHERE id = $2`, [balance.get(t.from)! - t.amount, t.from]);
      await run(home(t.to), `UPDATE ${table} SET balance = $1 WHERE id = $2`, [balance.get(t.to)! + t.amount, t.to]);
      // Phase 1b: prepare every branch. In flight from here on, so recovery keeps its hands off.
      this.inFlight.add(gid);
      this.log.append({ t: 'begin', gid, transfer: t, participants: ps });
      for (const p of ps) {
        await run(p, `PREPARE TRANSACTION '${gid}'`);
        prepared.push(p);
      }
    } catch (e) {
      // No decision was or will be logged: every branch rolls back (a branch whose PREPARE
      // answer was lost is found by a later recovery pass and presumed aborted).
      for (const p of ps) {
        const c = conns.get(p);
        if (!c || broken.has(p)) continue;
        const sql = prepared.includes(p) ? `ROLLBACK PREPARED '${gid}'` : 'ROLLBACK';
        await c.query(sql).catch(() => broken.add(p));
      }
      this.finish(gid, conns, broken);
      return { ok: false, definite: true, error: e instanceof Definite ? e.message : describe(e) };
    }
    await this.crashPoint('after-prepare', gid, t, ps.length);
    // The decision: durable before any branch commits. The bug forgets every participant but the first.
    const named = this.cfg.bug === 'forget-participant' ? ps.slice(0, 1) : ps;
    this.log.append({ t: 'commit', gid, participants: named }, true);
    await this.crashPoint('after-decision', gid, t, ps.length);
    let pending = 0;
    for (const [i, p] of named.entries()) {
      try {
        await run(p, `COMMIT PREPARED '${gid}'`);
      } catch {
        pending++; // decided: a recovery pass commits it once the participant answers
      }
      if (i === 0) await this.crashPoint('after-first-commit', gid, t, ps.length);
    }
    if (!pending) this.log.append({ t: 'end', gid });
    this.finish(gid, conns, broken);
    return { ok: true, value: pending ? { ...t, gid, pendingBranches: pending } : t };
  }

  private finish(gid: string, conns: Map<string, SqlConn>, broken: Set<string>): void {
    this.inFlight.delete(gid);
    for (const [p, c] of conns) {
      if (broken.has(p)) c.destroy();
      else this.pool.release(p, c);
    }
  }

  /** One recovery pass (passes never overlap). */
  recover(): Promise<RecoveryReport> {
    const next = this.recovering.then(() => this.recoverOnce());
    this.recovering = next.catch(() => undefined);
    return next;
  }

  private async recoverOnce(): Promise<RecoveryReport> {
    const resolved: InDoubtResolution[] = [];
    const unreachable: RecoveryReport['unreachable'] = [];
    let remaining = 0;
    for (const p of this.names) {
      let conn: SqlConn;
      try {
        conn = await this.pool.acquire(p);
      } catch (e) {
        unreachable.push({ participant: p, error: describe(e) });
        continue;
      }
      let ok = true;
      try {
        const r = await conn.query('SELECT gid FROM pg_prepared_xacts WHERE database = current_database() AND left(gid, length($1)) = $1 ORDER BY prepared', [this.cfg.gidPrefix]);
        for (const row of r.rows) {
          const gid = String(row.gid);
          if (this.inFlight.has(gid)) {
            remaining++;
            continue;
          }
          const named = this.log.decisions.get(gid);
          const commit = named?.includes(p) ?? false;
          const reason = commit ? 'commit decision logged' : named ? `the logged commit decision does not name ${p}` : 'no decision logged: presumed abort';
          let done = true;
          let error: string | undefined;
          try {
            await conn.query(`${commit ? 'COMMIT' : 'ROLLBACK'} PREPARED '${gid}'`);
          } catch (e) {
            // Resolved meanwhile by the transfer that owned it: nothing was in doubt after all.
            if (classifyPg(e).code === '42704') continue;
            done = false;
            error = describe(e);
            remaining++;
          }
          const resolution = commit ? 'commit' : 'rollback';
          this.log.append({ t: 'resolved', gid, participant: p, resolution, reason, done });
          const transfer = this.log.begins.get(gid);
          resolved.push({
            gid, participant: p, resolution, reason, done,
            decision: named ? { outcome: 'commit', participants: named } : null,
            ...(transfer ? { transfer } : {}),
            ...(error ? { error } : {}),
          });
        }
      } catch (e) {
        ok = false;
        unreachable.push({ participant: p, error: describe(e) });
      } finally {
        if (ok) this.pool.release(p, conn);
        else conn.destroy();
      }
    }
    return { resolved, unreachable, remaining };
  }
}

class Definite extends Error {}

function describe(e: unknown): string {
  const i = pgDialect.classify(e);
  return i.code ? `${i.kind} (${i.code}): ${i.message}` : `${i.kind}: ${i.message}`;
}

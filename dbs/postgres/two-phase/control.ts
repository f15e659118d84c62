// The two-phase-commit coordinator of a postgres-2pc run, as faultline drives it: started once
// the participants serve, stopped before they go, restarted after crashes (the db's
// `coordinator`, which the coordinator-crash fault needs), and the bank-2pc client. A crash arms
// a crash point and waits until a transfer reaches it (or kills the coordinator where it stands
// if none does); a restart records the recovery the new coordinator ran.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { FaultlineError } from '../../../src/errors.js';
import type { Client, Coordinator, Db, Test } from '../../../src/protocols.js';
import type { SqlTarget } from '../../sql/conn.js';
import { runIdent } from '../../sql/options.js';
import { pgAddress, pgTarget, type PgDb } from '../target.js';
import { Bank2pcClient } from './client.js';
import { CoordinatorProcess } from './process.js';
import type { CrashPoint } from './protocol.js';

/** How long an armed crash point waits for a transfer to reach it. */
const ARM_WAIT_MS = 3000;

export class TwoPhaseCoordinator implements Coordinator {
  private proc?: CoordinatorProcess;
  private target?: SqlTarget;
  private participants: string[] = [];

  constructor(readonly bug: string | undefined) {}

  /** Starts the coordinator once the participants (the run's nodes) serve. */
  async start(test: Test, db: PgDb): Promise<void> {
    const target = pgTarget(db, test);
    this.target = target;
    this.participants = [...test.nodes];
    const dir = join(test.dir, 'nodes', 'coordinator');
    mkdirSync(dir, { recursive: true });
    this.proc = new CoordinatorProcess(
      {
        participants: test.nodes.map((name) => ({ name, addr: pgAddress(db, name) })),
        table: target.table('accounts'),
        gidPrefix: `${runIdent(test.runId)}_`,
        logPath: join(dir, 'coordinator-log.jsonl'),
        isolation: target.isolation,
        timeoutMs: target.timeoutMs,
        ...(this.bug ? { bug: this.bug } : {}),
      },
      join(dir, 'coordinator.log'),
    );
    await this.proc.start();
  }

  async stop(): Promise<void> {
    await this.proc?.stop();
  }

  private p(): CoordinatorProcess {
    if (!this.proc) throw new FaultlineError('INTERNAL', 'coordinator used before setup');
    return this.proc;
  }

  client(): Client {
    if (!this.target) throw new FaultlineError('INTERNAL', 'bank-2pc client asked for before setup');
    return new Bank2pcClient(this.target, this.participants, () => this.p());
  }

  async crash(_test: Test, point: string): Promise<Record<string, unknown>> {
    const proc = this.p();
    if (!proc.running) return { point, how: 'already down' };
    proc.arm(point as CrashPoint);
    if (await proc.waitExit(ARM_WAIT_MS)) {
      const c = proc.lastCrash;
      return c ? { point, how: 'crashed at the point', gid: c.gid, transfer: c.transfer } : { point, how: 'exited' };
    }
    await proc.kill();
    return { point, how: `SIGKILL where it stood (no transfer over two participants reached ${point} within ${ARM_WAIT_MS} ms)` };
  }

  /** Restarts a crashed coordinator; its start-up recovery pass is the value. */
  async restart(_test: Test): Promise<Record<string, unknown>> {
    const proc = this.p();
    if (proc.running) return { note: 'coordinator was running' };
    return { recovery: await proc.start() };
  }
}

/**
 * The participants' db with the coordinator beside it: started after their setup, stopped
 * before their teardown. Every capability of the db (faults on the participants) stays.
 */
export function withCoordinator<D extends Db & PgDb>(db: D, bug: string | undefined): D & { readonly coordinator: TwoPhaseCoordinator } {
  const coordinator = new TwoPhaseCoordinator(bug);
  const setup = db.setup.bind(db);
  const teardown = db.teardown.bind(db);
  return Object.assign(db, {
    coordinator,
    setup: async (test: Test) => {
      await setup(test);
      await coordinator.start(test, db);
    },
    teardown: async (test: Test) => {
      await coordinator.stop().catch((e: unknown) => test.log.warn(`postgres-2pc: stopping the coordinator: ${(e as Error).message}`));
      await teardown(test);
    },
  });
}

// The two-phase-commit system of a bank-2pc run, as faultline drives it: the coordinator process
// (started after the participants, restarted after crashes), the bank-2pc client, and the
// coordinator-crash fault: arm a crash point and wait until a transfer reaches it (or kill the
// coordinator where it stands if none does), then restart it and record its recovery.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { FaultlineError } from '../../../src/errors.js';
import type { Client, Test } from '../../../src/protocols.js';
import type { SqlTarget } from '../../sql/conn.js';
import { runIdent } from '../../sql/settings.js';
import type { PgAddress } from '../pg-driver.js';
import { Bank2pcClient } from './client.js';
import { CoordinatorProcess } from './process.js';
import type { CrashPoint } from './protocol.js';

/** How long an armed crash point waits for a transfer to reach it. */
const ARM_WAIT_MS = 3000;

export class TwoPhaseSystem {
  private proc?: CoordinatorProcess;
  private target?: SqlTarget;
  private participants: string[] = [];

  constructor(readonly bug: string | undefined) {}

  /** Starts the coordinator once the participants run (`address`: how it reaches each). */
  async start(test: Test, target: SqlTarget, participants: string[], address: (node: string) => PgAddress): Promise<void> {
    this.target = target;
    this.participants = participants;
    const dir = join(test.dir, 'nodes', 'coordinator');
    mkdirSync(dir, { recursive: true });
    this.proc = new CoordinatorProcess(
      {
        participants: participants.map((name) => ({ name, addr: address(name) })),
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

  /** The coordinator-crash fault. */
  async crash(_test: Test, point: CrashPoint): Promise<Record<string, unknown>> {
    const proc = this.p();
    if (!proc.running) return { point, how: 'already down' };
    proc.arm(point);
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

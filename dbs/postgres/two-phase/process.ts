// faultline's handle on the coordinator process: starts it (and waits for its start-up recovery),
// sends it requests and matches the replies, arms it with a crash point, and kills it. A request
// made while it is down fails at once (nothing was sent); one in flight when it dies is
// indeterminate (the coordinator may have logged a decision).

import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { FaultlineError } from '../../../src/errors.js';
import type { RecoveryReport } from '../../../src/protocols.js';
import { builtinNodeCommand } from '../../builtin/command.js';
import { CONFIG_ENV, type CoordinatorConfig, type CrashPoint, type FromCoordinator, type Reply, type Request } from './protocol.js';

/** The coordinator was not running: the request was never sent. */
export class CoordinatorDown extends Error {}
/** The coordinator died while the request was in flight. */
export class CoordinatorCrashed extends Error {}

type RequestBody = Request extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

export class CoordinatorProcess {
  private child?: ChildProcess;
  private exited?: Promise<void>;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>();
  /** Where the last armed crash happened, as the coordinator said before dying. */
  lastCrash?: Extract<FromCoordinator, { type: 'crashing' }>;

  constructor(
    private readonly cfg: CoordinatorConfig,
    /** The coordinator's stderr goes here. */
    private readonly stderrPath: string,
  ) {}

  get running(): boolean {
    return this.child !== undefined;
  }

  /** Starts the coordinator; resolves with its start-up recovery pass once it serves requests. */
  async start(timeoutMs = 60_000): Promise<RecoveryReport> {
    if (this.child) throw new FaultlineError('INTERNAL', 'coordinator already running');
    const { command, args } = builtinNodeCommand(new URL('./coordinator-main.js', import.meta.url), this.cfg.bug);
    const err = openSync(this.stderrPath, 'a');
    let child: ChildProcess;
    try {
      child = spawn(command, args, { stdio: ['ignore', 'ignore', err, 'ipc'], env: { ...process.env, [CONFIG_ENV]: JSON.stringify(this.cfg) } });
    } finally {
      closeSync(err);
    }
    this.child = child;
    let ready!: (r: RecoveryReport) => void;
    const readyP = new Promise<RecoveryReport>((res) => (ready = res));
    child.on('message', (m: FromCoordinator) => {
      if ('type' in m) {
        if (m.type === 'ready') ready(m.recovery);
        else if (m.type === 'crashing') this.lastCrash = m;
        return;
      }
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      p?.resolve(m);
    });
    this.exited = new Promise<void>((res) => {
      child.on('exit', () => {
        if (this.child === child) this.child = undefined;
        for (const [id, p] of this.pending) {
          this.pending.delete(id);
          p.reject(new CoordinatorCrashed('the coordinator died before answering'));
        }
        res();
      });
    });
    let timer: NodeJS.Timeout | undefined;
    const failed = Promise.race([
      this.exited.then(() => {
        throw new FaultlineError('INTERNAL', `the coordinator exited during start-up (see ${this.stderrPath})`);
      }),
      new Promise<never>((_, rej) => (timer = setTimeout(() => rej(new FaultlineError('INTERNAL', `the coordinator did not start within ${timeoutMs} ms (see ${this.stderrPath})`)), timeoutMs))),
    ]);
    try {
      return await Promise.race([readyP, failed]);
    } catch (e) {
      await this.kill();
      throw e;
    } finally {
      clearTimeout(timer);
    }
  }

  request(body: RequestBody): Promise<Reply> {
    const child = this.child;
    if (!child?.connected) return Promise.reject(new CoordinatorDown('the coordinator is down'));
    const id = this.nextId++;
    return new Promise<Reply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      child.send({ ...body, id }, (e) => {
        if (e && this.pending.delete(id)) reject(new CoordinatorCrashed(`sending to the coordinator failed: ${e.message}`));
      });
    });
  }

  arm(point: CrashPoint): void {
    this.lastCrash = undefined;
    this.child?.send({ type: 'arm', point });
  }

  /** Waits up to `ms` for the process to exit; true if it did. */
  async waitExit(ms: number): Promise<boolean> {
    if (!this.child) return true;
    let timer: NodeJS.Timeout | undefined;
    const r = await Promise.race([this.exited!.then(() => true), new Promise<boolean>((res) => (timer = setTimeout(() => res(false), ms)))]);
    clearTimeout(timer);
    return r;
  }

  /** SIGKILL, and wait until it is gone. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill('SIGKILL');
    await this.exited;
  }
}

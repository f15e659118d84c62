// faultline's handle on the coordinator process: starts it (and waits for its start-up recovery),
// sends it requests and matches the replies, arms it with a crash point, and kills it. A request
// made while it is down fails at once (nothing was sent); one in flight when it dies is
// indeterminate (the coordinator may have logged a decision). A spare process is kept loaded and
// idle (it has not read the log, nor touched a participant): a restart promotes it, so that a
// restart costs the recovery pass, not a Node start-up, which takes seconds on a busy machine.

import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, sep } from 'node:path';
import { FaultlineError } from '../../../src/errors.js';
import type { RecoveryReport } from '../../../checkers/two-phase/evidence.js';
import { builtinNodeCommand } from '../../builtin/command.js';
import { CONFIG_ENV, type CoordinatorConfig, type CrashPoint, type FromCoordinator, type Reply, type Request } from './protocol.js';

/** The coordinator was not running: the request was never sent. */
export class CoordinatorDown extends Error {}
/** The coordinator died while the request was in flight. */
export class CoordinatorCrashed extends Error {}

type RequestBody = Request extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

interface Proc {
  child: ChildProcess;
  exited: Promise<void>;
  /** Modules loaded, waiting to be activated. */
  loaded: Promise<void>;
  /** Activated and recovered. */
  ready: Promise<RecoveryReport>;
}

export class CoordinatorProcess {
  private active?: Proc;
  private spare?: Proc;
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
    return this.active !== undefined;
  }

  /**
   * The node_modules folder the PostgreSQL client is found in from here. The coordinator may run
   * as a bundle in the temp directory (dbs/builtin/command.ts), where its lazy require('pg')
   * finds nothing on its own; NODE_PATH points that require back to faultline's packages.
   */
  private static clientModules(): string | undefined {
    try {
      const entry = createRequire(import.meta.url).resolve('pg');
      const at = entry.lastIndexOf(`${sep}node_modules${sep}`);
      return at < 0 ? undefined : entry.slice(0, at + `${sep}node_modules`.length);
    } catch {
      return undefined;
    }
  }

  private spawnProc(): Proc {
    const { command, args } = builtinNodeCommand(new URL('./coordinator-main.js', import.meta.url), this.cfg.bug);
    const err = openSync(this.stderrPath, 'a');
    let child: ChildProcess;
    try {
      const modules = CoordinatorProcess.clientModules();
      const nodePath = [modules, process.env.NODE_PATH].filter(Boolean).join(delimiter);
      child = spawn(command, args, { stdio: ['ignore', 'ignore', err, 'ipc'], env: { ...process.env, [CONFIG_ENV]: JSON.stringify(this.cfg), ...(nodePath ? { NODE_PATH: nodePath } : {}) } });
    } finally {
      closeSync(err);
    }
    let loaded!: () => void;
    let ready!: (r: RecoveryReport) => void;
    const proc: Proc = {
      child,
      loaded: new Promise<void>((res) => (loaded = res)),
      ready: new Promise<RecoveryReport>((res) => (ready = res)),
      exited: new Promise<void>((res) => child.on('exit', () => res())),
    };
    child.on('message', (m: FromCoordinator) => {
      if ('type' in m) {
        if (m.type === 'standby') loaded();
        else if (m.type === 'ready') ready(m.recovery);
        else if (m.type === 'crashing' && proc === this.active) this.lastCrash = m;
        return;
      }
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      p?.resolve(m);
    });
    void proc.exited.then(() => {
      if (this.spare === proc) this.spare = undefined;
      if (this.active !== proc) return;
      this.active = undefined;
      for (const [id, p] of this.pending) {
        this.pending.delete(id);
        p.reject(new CoordinatorCrashed('the coordinator died before answering'));
      }
    });
    return proc;
  }

  /** Starts (promotes the spare to) the coordinator; resolves with its recovery pass once it serves requests. */
  async start(timeoutMs = 60_000): Promise<RecoveryReport> {
    if (this.active) throw new FaultlineError('INTERNAL', 'coordinator already running');
    const proc = this.spare ?? this.spawnProc();
    this.spare = undefined;
    const within = <T>(p: Promise<T>, what: string): Promise<T> => {
      let timer: NodeJS.Timeout | undefined;
      return Promise.race([
        p,
        proc.exited.then(() => {
          throw new FaultlineError('INTERNAL', `the coordinator exited ${what} (see ${this.stderrPath})`);
        }),
        new Promise<never>((_, rej) => (timer = setTimeout(() => rej(new FaultlineError('INTERNAL', `the coordinator did not finish ${what} within ${timeoutMs} ms (see ${this.stderrPath})`)), timeoutMs))),
      ]).finally(() => clearTimeout(timer));
    };
    try {
      await within(proc.loaded, 'loading');
      this.active = proc;
      proc.child.send({ type: 'activate' });
      const report = await within(proc.ready, 'its start-up recovery');
      this.spare = this.spawnProc();
      return report;
    } catch (e) {
      proc.child.kill('SIGKILL');
      await proc.exited;
      throw e;
    }
  }

  request(body: RequestBody): Promise<Reply> {
    const child = this.active?.child;
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
    this.active?.child.send({ type: 'arm', point });
  }

  /** Waits up to `ms` for the coordinator to exit; true if it did. */
  async waitExit(ms: number): Promise<boolean> {
    const proc = this.active;
    if (!proc) return true;
    let timer: NodeJS.Timeout | undefined;
    const r = await Promise.race([proc.exited.then(() => true), new Promise<boolean>((res) => (timer = setTimeout(() => res(false), ms)))]);
    clearTimeout(timer);
    return r;
  }

  /** SIGKILL the coordinator, and wait until it is gone. */
  async kill(): Promise<void> {
    const proc = this.active;
    if (!proc) return;
    proc.child.kill('SIGKILL');
    await proc.exited;
  }

  /** Kills the coordinator and its spare. */
  async stop(): Promise<void> {
    const spare = this.spare;
    this.spare = undefined;
    spare?.child.kill('SIGKILL');
    await Promise.all([this.kill(), spare?.exited]);
  }
}

// A cluster of Maelstrom node processes n1..nN: spawns each as an OS process speaking
// newline-delimited JSON on stdin/stdout, wires it into the Router, sends `init` and awaits
// `init_ok`. Process faults are real signals: SIGKILL (+ restart from the node's data dir),
// SIGSTOP/SIGCONT. Each node runs in its own directory `<dir>/nodes/<node>/` (cwd and
// FAULTLINE_NODE_DIR) with its stderr in node.log, in a session of its own (a Ctrl-C in the
// terminal reaches faultline, which heals and tears down, not the nodes). Every node carries its
// run id and owner in its environment, so `faultline sweep` finds the nodes of a dead run (a
// paused one cannot see its stdin close). Teardown resumes and kills every process by pid; the
// cluster's cleanup (src/signals.ts) does the same on a signal outside a run and at exit.

import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { FaultlineError } from '../errors.js';
import { OWNER_ENV, ownerToken, RUN_ENV } from '../owner.js';
import { registerCleanup } from '../signals.js';
import type { Logger } from '../protocols.js';
import { encodeMessage, LineSplitter, parseMessage, type Message } from './protocol.js';
import type { Router } from './router.js';

export interface ClusterOptions {
  nodeIds: string[];
  /** Run directory; nodes live under `<dir>/nodes/<node>/`. */
  dir: string;
  command: string;
  args: string[];
  env?: Record<string, string>;
  router: Router;
  log?: Logger;
  /** Also pass each stderr line of the nodes to `log` (Maelstrom's --log-stderr). */
  logStderr?: boolean;
  /**
   * How long a node may take to answer init (ms; default 30 s). Generous: a node that exits is
   * noticed at once, but five nodes loading through tsx on a busy 2-core machine took over 10 s.
   */
  initTimeoutMs?: number;
  /** The run this cluster belongs to: labels every node process (FAULTLINE_RUN) for sweep. */
  runId?: string;
}

export type NodeStatus = 'running' | 'paused' | 'dead';

interface NodeProc {
  id: string;
  proc: ChildProcess;
  pid: number;
  status: NodeStatus;
  exited: Promise<void>;
  logFd: number;
  /** Set when faultline killed it on purpose (so its exit is not reported as a crash). */
  killed: boolean;
}

/** The endpoint that sends `init`; client endpoints are c1, c2, ... */
export const INIT_CLIENT = 'c0';

/** SIGCONT then SIGKILL: a stopped process is resumed before it is killed. */
export function resumeAndKill(pid: number): void {
  for (const sig of ['SIGCONT', 'SIGKILL'] as const) {
    try {
      process.kill(pid, sig);
    } catch {
      // already gone
    }
  }
}

let clusterSeq = 0;

// ---------------------------------------------------------------- cluster

export class Cluster {
  private readonly nodes = new Map<string, NodeProc>();
  private readonly initWaiters = new Map<number, (m: Message) => void>();
  private nextInitId = 1;
  /** Every pid this cluster ever spawned (tests check none survives). */
  readonly spawnedPids: number[] = [];
  private closed = false;
  private readonly unregister: () => void;

  constructor(private readonly opts: ClusterOptions) {
    // Outside a run (or on a second Ctrl-C), the process-wide cleanup kills what is left.
    this.unregister = registerCleanup(`nodes ${opts.runId ?? `cluster-${++clusterSeq}`} (${process.pid})`, {
      sync: () => this.killAllSync(),
      async: () => this.teardown(),
    });
    opts.router.register(INIT_CLIENT, 'client', (m) => {
      const w = m.body.in_reply_to !== undefined ? this.initWaiters.get(m.body.in_reply_to) : undefined;
      if (w) w(m);
    });
  }

  get nodeIds(): string[] {
    return this.opts.nodeIds;
  }

  nodeDir(id: string): string {
    return join(this.opts.dir, 'nodes', id);
  }

  status(id: string): NodeStatus {
    return this.nodes.get(id)?.status ?? 'dead';
  }

  pid(id: string): number | undefined {
    return this.nodes.get(id)?.pid;
  }

  /** Starts every node (in parallel) and waits until all answered init. */
  async startAll(): Promise<void> {
    await Promise.all(this.opts.nodeIds.map((n) => this.start(n)));
  }

  /** Starts a node if it is not running (a restart after kill recovers from its data dir). */
  async start(id: string): Promise<void> {
    if (this.closed) throw new FaultlineError('INTERNAL', 'cluster is torn down', id);
    if (!this.opts.nodeIds.includes(id)) throw new FaultlineError('BAD_ARGUMENT', 'no such node', id);
    const cur = this.nodes.get(id);
    if (cur && cur.status !== 'dead') return;
    const dir = this.nodeDir(id);
    mkdirSync(dir, { recursive: true });
    const logPath = join(dir, 'node.log');
    const logFd = openSync(logPath, 'a');
    writeSync(logFd, `--- faultline: starting ${id} at ${new Date().toISOString()}\n`);
    let proc: ChildProcess;
    try {
      proc = spawn(this.opts.command, this.opts.args, {
        cwd: dir,
        env: {
          ...process.env,
          ...this.opts.env,
          FAULTLINE_NODE_DIR: dir,
          ...(this.opts.runId ? { [RUN_ENV]: this.opts.runId, [OWNER_ENV]: ownerToken() } : {}),
        },
        stdio: ['pipe', 'pipe', this.opts.logStderr ? 'pipe' : logFd],
        detached: true,
      });
    } catch (e) {
      closeSync(logFd);
      throw new FaultlineError('UNSUPPORTED', `cannot start ${this.opts.command}: ${(e as Error).message}`, id);
    }
    const spawnError = new Promise<Error>((resolve) => proc.once('error', resolve));
    const np: NodeProc = {
      id,
      proc,
      pid: proc.pid ?? -1,
      status: 'running',
      logFd,
      killed: false,
      exited: new Promise<void>((resolve) => {
        let done = false;
        const finish = (how: string): void => {
          if (done) return;
          done = true;
          if (this.nodes.get(id) === np) {
            np.status = 'dead';
            this.opts.router.unregister(id);
          }
          if (!np.killed) this.opts.log?.warn(`node ${id} (pid ${np.pid}) exited by itself: ${how}; see ${logPath}`);
          try {
            closeSync(logFd);
          } catch {
            // closed already
          }
          resolve();
        };
        proc.once('exit', (code, signal) => finish(signal ?? `code ${code}`));
        // A spawn failure (ENOENT, EACCES) emits 'error' and no 'exit'.
        proc.once('error', (e) => {
          if (proc.pid === undefined) finish(`could not start: ${e.message}`);
        });
      }),
    };
    if (proc.pid !== undefined) this.spawnedPids.push(proc.pid);
    this.nodes.set(id, np);
    proc.stdin!.on('error', () => {
      // EPIPE when the node died; its exit is handled above.
    });
    const splitter = new LineSplitter((line) => {
      const m = parseMessage(line);
      if (typeof m === 'string') {
        try {
          writeSync(logFd, `--- faultline: ignored a malformed line on stdout (${m}): ${line.slice(0, 500)}\n`);
        } catch {
          // log closed
        }
        return;
      }
      this.opts.router.send(m);
    });
    proc.stdout!.on('data', (chunk: Buffer) => splitter.push(chunk));
    if (this.opts.logStderr && proc.stderr) {
      const lines = new LineSplitter((line) => this.opts.log?.info(`${id}: ${line}`));
      proc.stderr.on('data', (chunk: Buffer) => {
        try {
          writeSync(logFd, chunk);
        } catch {
          // log closed: the node exited
        }
        lines.push(chunk);
      });
    }
    // Messages routed to the node in one turn of the event loop go down its pipe in one write
    // (a write per message made the pipe writes most of faultline's CPU at 1,000 ops/s).
    let queued: string[] = [];
    this.opts.router.register(id, 'node', (m) => {
      if (np.status === 'dead') return;
      if (queued.length === 0) {
        setImmediate(() => {
          const text = queued.join('');
          queued = [];
          if (np.status !== 'dead') proc.stdin!.write(text);
        });
      }
      queued.push(encodeMessage(m));
    });

    // init / init_ok
    const msgId = this.nextInitId++;
    // Generous, and judged only after reading what arrived meanwhile (setImmediate runs after the
    // I/O poll): on a loaded 2-core machine starting five nodes took over 10 s, and spawning
    // blocks this process, so a timer could expire with the node's init_ok unread in its pipe.
    const timeoutMs = this.opts.initTimeoutMs ?? 30_000;
    let timer: NodeJS.Timeout | undefined;
    const reply = new Promise<Message>((resolve) => this.initWaiters.set(msgId, resolve));
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => setImmediate(() => resolve('timeout')), timeoutMs);
    });
    proc.stdin!.write(
      encodeMessage({ src: INIT_CLIENT, dest: id, body: { type: 'init', msg_id: msgId, node_id: id, node_ids: this.opts.nodeIds } }),
    );
    const r = await Promise.race([reply, timeout, np.exited.then(() => 'exited' as const), spawnError]);
    clearTimeout(timer);
    this.initWaiters.delete(msgId);
    if (r instanceof Error) {
      throw new FaultlineError('UNSUPPORTED', `cannot start ${this.opts.command}: ${r.message}`, id);
    }
    if (r === 'timeout' || r === 'exited') {
      const why = r === 'timeout' ? `did not answer init within ${timeoutMs} ms` : 'exited before answering init';
      await this.kill(id);
      throw new FaultlineError('UNREACHABLE', `node ${why}; log tail:\n${tail(logPath)}`, id);
    }
    if (r.body.type !== 'init_ok') {
      await this.kill(id);
      throw new FaultlineError('UNREACHABLE', `node answered init with ${JSON.stringify(r.body)}`, id);
    }
  }

  /** SIGKILL, then wait until the process is gone. */
  async kill(id: string): Promise<void> {
    const np = this.nodes.get(id);
    if (!np || np.status === 'dead') return;
    np.killed = true;
    np.status = 'dead';
    this.opts.router.unregister(id);
    resumeAndKill(np.pid);
    await np.exited;
  }

  /** Resumes and kills every live node now, without waiting (signals, exit). */
  killAllSync(): void {
    for (const np of this.nodes.values()) {
      if (np.status === 'dead' || np.pid < 0) continue;
      np.killed = true;
      resumeAndKill(np.pid);
    }
  }

  async pause(id: string): Promise<void> {
    const np = this.nodes.get(id);
    if (!np || np.status !== 'running') return;
    np.proc.kill('SIGSTOP');
    np.status = 'paused';
  }

  async resume(id: string): Promise<void> {
    const np = this.nodes.get(id);
    if (!np || np.status !== 'paused') return;
    np.proc.kill('SIGCONT');
    np.status = 'running';
  }

  /** Kills every node and waits for them; safe to call twice. */
  async teardown(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.nodes.keys()].map((id) => this.kill(id)));
    this.opts.router.unregister(INIT_CLIENT);
    this.unregister();
  }
}

function tail(path: string, lines = 20): string {
  try {
    return readFileSync(path, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

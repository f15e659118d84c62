// A server system as a declaration, independent of where its nodes run: the Debian packages it
// needs, the files and command each node starts with, the port clients use, where it keeps
// data, when a node is ready, how to find its primaries, whether it honours libfaketime, and its
// log files. The container backend (src/docker/container-db.ts) derives an image and a cluster
// from it; other backends (machines over SSH) derive the same from the same declaration.

import type { Test } from './protocols.js';
import type { WaitStrategy } from './docker/wait.js';

/** What a node's command and files are computed from. */
export interface NodeContext<O> {
  node: string;
  /** Every node's address (container IP or host name), by node name. */
  addresses: Readonly<Record<string, string>>;
  /** The nodes, in order (the first is where one-time bootstraps usually happen). */
  nodes: readonly string[];
  /** Unique per run: use it in cluster tokens, so two runs never join each other. */
  runId: string;
  /** The db plugin's parsed options. */
  options: O;
}

/** A command inside a node, for primaries and readiness probes: argv, never a shell string from input. */
export interface NodeExec {
  exec(node: string, cmd: string[], timeoutMs?: number): Promise<{ exitCode: number; stdout: string; stderr: string }>;
  /** The node's address (as other nodes reach it). */
  address(node: string): string;
  /** Where this machine reaches a node's port (differs from address:port on a remote Docker engine). */
  reach(node: string, port: number): { host: string; port: number };
  readonly nodes: readonly string[];
}

export interface SystemSpec<O = unknown> {
  /** Names the image and the processes: 'etcd', 'zookeeper'. */
  readonly name: string;
  /** Debian packages the server needs (on top of faultline's fault tools). */
  readonly packages: readonly string[];
  /** Extra Dockerfile lines after the packages (e.g. a build step), rarely needed. */
  readonly imageSteps?: readonly string[];
  /** The port clients connect to. */
  readonly clientPort: number;
  /** Where the node keeps its data: survives kill and restart. */
  readonly dataPath: string;
  /** Files written into the node before it first starts (path → content). */
  files?(ctx: NodeContext<O>): Record<string, string>;
  /** The command a node runs (again on every restart; keep it idempotent on existing data). */
  command(ctx: NodeContext<O>): string[];
  env?(ctx: NodeContext<O>): Record<string, string>;
  /** When a node counts as ready. */
  readonly wait: WaitStrategy;
  readonly readyTimeoutMs?: number;
  /**
   * After a fault is undone (a node started or resumed, the network healed), wait up to this long
   * until every running node passes `wait` again, so the next phase (e.g. final reads) meets a
   * serving cluster. For servers that stay unavailable a while after a fault (a RabbitMQ node
   * paused by pause_minority, JetStream electing leaders). Containers only; default: no wait.
   */
  readonly recoveryWaitMs?: number;
  /** Runs once every node is ready: cluster formation (joins, replicas, schema). */
  afterStart?(nodes: NodeExec, test: Test, options: O): Promise<void>;
  /** Nodes that currently believe they lead; absent when the system has no primaries. */
  primaries?(nodes: NodeExec, test: Test, options: O): Promise<string[]>;
  /**
   * Clock faults: 'libfaketime' when the server reads time through libc (C, Java servers);
   * 'clockshift' for servers that bypass libc (Go servers read the clock through the vDSO):
   * faultline hides the vDSO and answers their clock system calls (docker/common/clockshift);
   * or the reason they are refused.
   */
  readonly clock: 'libfaketime' | 'clockshift' | { unsupported: string };
  /**
   * The files a corruption fault may damage, by kind: kind → glob relative to dataPath
   * (several globs separated by spaces), e.g. { wal: 'member/wal/*.wal', snapshot: 'member/snap/*.snap' }.
   */
  readonly dataFiles?: Readonly<Record<string, string>>;
  /** Log files inside the node, collected beside its stdout/stderr. */
  readonly logFiles?: readonly string[];
  /** Give clients this long to close before nodes go (some close slowly while still connecting). */
  readonly teardownGraceMs?: number;
}

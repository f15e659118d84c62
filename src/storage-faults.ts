// Faults on a node's storage, as a Db offers them (`db.storage`): power failures that lose what
// was never fsynced, corrupted files, a full disk, and restarting the server afterwards. The
// container layer implements them (src/docker/storage.ts: lazyfs under the data directory, a small
// tmpfs, a supervisor that kills and restarts the server alone); the nemeses in nemesis/power.ts,
// nemesis/corrupt.ts and nemesis/disk-full.ts use them. What each call returns is recorded in the
// nemesis op and drawn by the report, so it is plain JSON.

import type { Test } from './protocols.js';

/** The disk-full fault's default disk size: big enough for a server's files, small enough to fill at once. */
export const DEFAULT_DISK_MIB = 256;

/** The storage faults, by the capability name a nemesis requires. */
export type StorageFault = 'power' | 'corrupt' | 'disk-full';

/** What lazyfs held for one node when the power went: the writes a power failure can take. */
export interface PowerFailure {
  node: string;
  /** Files with writes since their last fsync, bytes kept for undo, names not yet durable. */
  atRisk: { unsyncedFiles: number; savedBytes: number; pendingNamespaceOps: number };
  /** The loss completed; otherwise `error` says what lazyfs could not undo. */
  ok: boolean;
  undoErrors: number;
  error?: string;
}

/** How a server behaved after it was started again. */
export interface RestartOutcome {
  node: string;
  /** ready: passed its readiness check; exited: the server stopped (exitCode); not-ready: neither within the time. */
  outcome: 'ready' | 'exited' | 'not-ready' | 'running';
  afterMs: number;
  exitCode?: number;
  /** The server's log lines since the restart (the last few, each cut to a few hundred characters). */
  log: string[];
}

export type Corruption = { kind: 'bitflip'; bits: number } | { kind: 'truncate' };

export interface CorruptionRecord {
  node: string;
  /** The file kind (a key of `files`) and the file, relative to the data directory. */
  fileKind: string;
  file: string;
  sizeBefore: number;
  /** bitflip: each flipped bit (byte offset, bit, byte before and after). */
  flips?: Array<{ offset: number; bit: number; before: number; after: number }>;
  /** truncate: the size after. */
  sizeAfter?: number;
}

export interface DiskFillRecord {
  node: string;
  /** Bytes free before filling (fill) or after freeing (free), and the ballast's size. */
  availBefore?: number;
  availAfter: number;
  ballastBytes: number;
  /** fill: what a 4 KiB write to the full file system then did (it must fail with ENOSPC). */
  probe?: string;
}

export interface Storage {
  /**
   * File kinds a corruption can target, kind → glob relative to the node's data directory
   * ('wal' → 'member/wal/*.wal'), as the system declares them.
   */
  readonly files?: Readonly<Record<string, string>>;
  /** Why a storage fault is refused here (e.g. on machines over SSH), by fault. */
  readonly unsupported?: Readonly<Partial<Record<StorageFault, string>>>;
  /** Declare the current state durable (after setup: the cluster's bootstrap is not at risk). */
  checkpoint?(test: Test, nodes: readonly string[]): Promise<void>;
  /** Power failure on these nodes at once: every database process killed, unsynced writes lost. The servers stay down. */
  powerFail?(test: Test, nodes: readonly string[]): Promise<PowerFailure[]>;
  /**
   * Stops the node's server and corrupts one file of one of `kinds` (kind and file picked at
   * random among those present, positions from test.rng). The server stays down.
   */
  corrupt?(test: Test, node: string, kinds: readonly string[], how: Corruption): Promise<CorruptionRecord>;
  /** Fills / frees the node's data file system (a small one the layer made for this). */
  fill?(test: Test, node: string): Promise<DiskFillRecord>;
  free?(test: Test, node: string): Promise<DiskFillRecord>;
  /** Starts the servers that are down and reports what each did within `timeoutMs`. */
  restart(test: Test, nodes: readonly string[], timeoutMs: number): Promise<RestartOutcome[]>;
}

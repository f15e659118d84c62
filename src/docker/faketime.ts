// Clock faults for container nodes through libfaketime: a node's server runs with
// LD_PRELOAD=libfaketimeMT and FAKETIME_TIMESTAMP_FILE=/etc/faultline/faketime (see the images'
// start scripts, switched on by FAULTLINE_FAKETIME=1), re-read every second
// (FAKETIME_CACHE_DURATION=1). Bumping a node's clock rewrites that file with the node's total
// offset; the machine's clock is never touched. Only the wall clock moves (DONT_FAKE_MONOTONIC=1):
// servers time their timeouts with the monotonic clock, and skewing that hangs them rather than
// testing what a skewed wall clock does.

import { FaultlineError } from '../errors.js';
import type { Clock, Test } from '../protocols.js';
import type { ExecResult } from './exec.js';

export const FAKETIME_FILE = '/etc/faultline/faketime';
/** Environment of a node whose server honours clock faults. */
export const FAKETIME_ENV = { FAULTLINE_FAKETIME: '1' } as const;

export interface ExecHost {
  exec(node: string, cmd: string[], timeoutMs?: number): Promise<ExecResult>;
}

/** libfaketime's relative offset syntax: seconds with a sign, e.g. "+1.250" or "-30.000". */
export function faketimeOffset(ms: number): string {
  const s = (Math.abs(ms) / 1000).toFixed(3);
  return `${ms < 0 ? '-' : '+'}${s}`;
}

export class FaketimeClock implements Clock {
  readonly supported = true;
  private readonly offsets = new Map<string, number>();
  constructor(private readonly host: () => ExecHost) {}

  /** The node's current offset in ms (0 when never bumped). */
  offset(node: string): number {
    return this.offsets.get(node) ?? 0;
  }

  async bump(_test: Test, node: string, deltaMs: number): Promise<void> {
    const total = this.offset(node) + deltaMs;
    await this.write(node, total);
    this.offsets.set(node, total);
  }

  async reset(_test: Test, nodes: string[]): Promise<void> {
    await Promise.all(nodes.map(async (n) => {
      await this.write(n, 0);
      this.offsets.set(n, 0);
    }));
  }

  private async write(node: string, ms: number): Promise<void> {
    // Written to a temporary file and renamed, so libfaketime never reads a half-written offset.
    const r = await this.host().exec(node, ['sh', '-c', `printf '%s\\n' '${faketimeOffset(ms)}' > ${FAKETIME_FILE}.tmp && mv ${FAKETIME_FILE}.tmp ${FAKETIME_FILE}`], 10_000);
    if (r.exitCode !== 0) throw new FaultlineError('INTERNAL', `could not set the clock offset: ${r.stderr.trim() || r.stdout.trim()}`, node);
  }
}

// Helpers for integration tests that drive the real CLI as a child process.

import { execa, type ResultPromise } from 'execa';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '..');
export const BIN = join(ROOT, 'bin', 'faultline.js');
export const ANCHORS = resolve(ROOT, '..', 'shared', 'anchors');

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export async function faultline(args: string[], opts: { cwd?: string; timeoutMs?: number; env?: Record<string, string> } = {}): Promise<CliResult> {
  const r = await execa(process.execPath, [BIN, ...args], { cwd: opts.cwd ?? ROOT, reject: false, timeout: opts.timeoutMs ?? 180_000, env: { ...opts.env, FORCE_COLOR: '0' } });
  return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

export function spawnFaultline(args: string[], cwd = ROOT): ResultPromise {
  return execa(process.execPath, [BIN, ...args], { cwd, reject: false, env: { FORCE_COLOR: '0' } });
}

/** The run directory a `faultline run` printed ("results in DIR"). */
export function runDirOf(output: string): string {
  const m = /results in (\S+)/.exec(output);
  if (!m) throw new Error(`no run directory in output:\n${output}`);
  return m[1]!;
}

/** Pids of live processes whose environment mentions `needle` (e.g. a run directory). */
export function processesMentioning(needle: string): number[] {
  const pids: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d) || Number(d) === process.pid) continue;
    try {
      const env = readFileSync(`/proc/${d}/environ`, 'latin1');
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'latin1');
      const stat = readFileSync(`/proc/${d}/stat`, 'latin1');
      if (/\) Z /.test(stat)) continue; // zombies are dead already
      if (env.includes(needle) || cmd.includes(needle)) pids.push(Number(d));
    } catch {
      // gone, or not ours to read
    }
  }
  return pids;
}

export function readLines(file: string): string[] {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
}

// Helpers for the database suites' integration tests: run `faultline run` as a child process
// (asynchronously, so a test can also SIGKILL it), find its run directory and results, and check
// that Docker holds nothing of the run afterwards.

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { leftovers } from './docker-helpers.js';
import { readHistoryFile } from '../src/history-io.js';
import type { History } from '../src/history.js';

export const root = fileURLToPath(new URL('..', import.meta.url));

export interface RunResult {
  code: number | null;
  out: string;
  /** The run directory ('' when the run was refused before it made one). */
  dir: string;
  results?: { valid: unknown; results?: Record<string, Record<string, unknown>> };
  runId?: string;
}

export function runDir(out: string): string {
  for (const t of existsSync(out) ? readdirSync(out) : []) {
    const runs = readdirSync(join(out, t)).filter((d) => d !== 'latest');
    if (runs.length) return join(out, t, runs[0]!);
  }
  return '';
}

/** `faultline run ARGS --quiet --out TMP`, resolved when it exits (or is killed). */
export function faultlineRun(args: string[], timeoutMs = 240_000): { done: Promise<RunResult>; kill: (sig: NodeJS.Signals) => void; out: string } {
  const out = mkdtempSync(join(tmpdir(), 'faultline-suite-'));
  const child = spawn(process.execPath, ['bin/faultline.js', 'run', '--quiet', '--out', out, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout.on('data', (b: Buffer) => (text += b.toString()));
  child.stderr.on('data', (b: Buffer) => (text += b.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const done = new Promise<RunResult>((resolve) => {
    child.on('close', (code) => {
      clearTimeout(timer);
      const dir = runDir(out);
      const res: RunResult = { code, out: text, dir };
      if (dir && existsSync(join(dir, 'results.json'))) res.results = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as RunResult['results'];
      if (dir && existsSync(join(dir, 'test.json'))) res.runId = (JSON.parse(readFileSync(join(dir, 'test.json'), 'utf8')) as { runId: string }).runId;
      resolve(res);
    });
  });
  return { done, kill: (sig) => child.kill(sig), out };
}

/** Runs to the end; fails the test with the run's output when it left anything in Docker. */
export async function runAndClean(args: string[], timeoutMs?: number): Promise<RunResult> {
  const r = await faultlineRun(args, timeoutMs).done;
  if (r.runId) {
    const left = await leftovers(r.runId);
    if (left.length) throw new Error(`run ${r.runId} left ${left.join(', ')}\n${r.out}`);
  }
  return r;
}

/** The history the run recorded (its history.jsonl, read as `faultline check` reads it). */
export function historyOf(r: RunResult): History {
  return readHistoryFile(join(r.dir, 'history.jsonl'));
}

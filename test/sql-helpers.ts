// Helpers for the SQL suites' integration tests: a CLI run into a fresh results folder that
// returns the exit code, output, run directory, results and run id, and the check that a run
// left nothing in Docker.

import { execa } from 'execa';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CheckResult } from '../src/protocols.js';

export const root = fileURLToPath(new URL('..', import.meta.url));

export interface SqlRun {
  code: number | null;
  out: string;
  dir: string;
  results: CheckResult & { results: Record<string, CheckResult> };
  runId: string;
  history: Array<{ type: string; process: unknown; f: string; value: unknown; error?: unknown }>;
}

/** Runs the CLI asynchronously: a run takes minutes, and a test worker must keep answering its runner meanwhile. */
export async function runCli(args: string[], timeoutMs = 400_000): Promise<SqlRun> {
  const out = mkdtempSync(join(tmpdir(), 'faultline-sql-run-'));
  const r = await execa(process.execPath, ['bin/faultline.js', 'run', '--quiet', '--out', out, ...args], { cwd: root, reject: false, timeout: timeoutMs, env: { FORCE_COLOR: '0' } });
  const text = `${String(r.stdout)}\n${String(r.stderr)}`;
  const testDirs = existsSync(out) ? readdirSync(out) : [];
  const runs = testDirs.flatMap((t) => readdirSync(join(out, t)).filter((d) => d !== 'latest').map((d) => join(out, t, d)));
  const dir = runs[0] ?? '';
  const read = (f: string) => (dir && existsSync(join(dir, f)) ? readFileSync(join(dir, f), 'utf8') : '');
  const results = read('results.json') ? JSON.parse(read('results.json')) : { valid: 'unknown', results: {} };
  const runId = read('test.json') ? (JSON.parse(read('test.json')) as { runId: string }).runId : '';
  const history = read('history.jsonl').split('\n').filter(Boolean).map((l) => JSON.parse(l));
  return { code: r.exitCode ?? null, out: text, dir, results, runId, history };
}

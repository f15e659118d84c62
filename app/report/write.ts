// Reading a run directory (test.json, results.json, history.jsonl, nodes/*/*.log) and writing its
// report.html. Used by `faultline report DIR`, by `check --out`, by the controller after a run,
// and lazily by `faultline serve`.

import { existsSync, readdirSync, readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { FaultlineError, badInput } from '../../src/errors.js';
import type { History } from '../../src/history.js';
import { readHistoryFile } from '../../src/history-io.js';
import type { CheckResult } from '../../src/protocols.js';
import type { ReportInput, RunTestInfo } from './data.js';
import { renderReport } from './render.js';

function readJson(file: string): unknown {
  const text = readFileSync(file, 'utf8');
  try {
    return JSON.parse(text);
  } catch (e) {
    throw badInput(`not valid JSON: ${(e as Error).message}`, file);
  }
}

/** Node logs under dir/nodes/ (nodes/<node>.log and nodes/<node>/*), as paths relative to dir. */
export function nodeLogs(dir: string): string[] {
  const root = join(dir, 'nodes');
  if (!existsSync(root)) return [];
  const out: string[] = [];
  for (const node of readdirSync(root).sort()) {
    const nd = join(root, node);
    if (!statSync(nd).isDirectory()) {
      out.push(relative(dir, nd).split('\\').join('/'));
      continue;
    }
    for (const f of readdirSync(nd).sort()) if (statSync(join(nd, f)).isFile()) out.push(relative(dir, join(nd, f)).split('\\').join('/'));
  }
  return out;
}

export interface ReadRunOptions {
  /**
   * Read only files whose real path lies inside this folder (`faultline serve`): a test.json
   * `source` or a symlink pointing elsewhere is not read, so a report never embeds outside files.
   */
  within?: string;
}

/** Whether `file` exists and (under `within`) really lies inside it. */
function usable(file: string, within: string | undefined): boolean {
  if (!existsSync(file)) return false;
  if (within === undefined) return true;
  try {
    const real = realpathSync(file);
    const root = realpathSync(within);
    return real === root || real.startsWith(root + sep);
  } catch {
    return false;
  }
}

/** Load what a report needs from a run directory. Missing test.json or results.json are tolerated (an interrupted run). */
export function readRunDir(dir: string, opts: ReadRunOptions = {}): ReportInput {
  if (!existsSync(dir) || !statSync(dir).isDirectory() || !usable(dir, opts.within)) throw new FaultlineError('FILE_NOT_FOUND', 'no such run directory', dir);
  const ok = (f: string) => usable(f, opts.within);
  const testFile = join(dir, 'test.json');
  const resultsFile = join(dir, 'results.json');
  const test = (ok(testFile) ? readJson(testFile) : {}) as RunTestInfo;
  const hasHistory = ok(join(dir, 'history.jsonl')) || (typeof test.source === 'string' && ok(test.source));
  if (!existsSync(resultsFile) && !hasHistory) throw new FaultlineError('FILE_NOT_FOUND', 'neither results.json nor history.jsonl: not a run directory', dir);
  // A run that crashed or was killed before its check still gets a report of what it recorded.
  const results = ok(resultsFile)
    ? (readJson(resultsFile) as CheckResult)
    : { valid: 'unknown' as const, error: 'no results.json: the run did not finish its check (crashed or interrupted); the history below is what was recorded' };
  if (!results || typeof results !== 'object' || !('valid' in results)) throw badInput('results.json has no "valid" field', resultsFile);
  let history: History = [];
  let historyFile = 'history.jsonl';
  if (ok(join(dir, historyFile))) history = readHistoryFile(join(dir, historyFile), 'jsonl');
  else if (typeof test.source === 'string' && ok(test.source)) {
    history = readHistoryFile(test.source);
    historyFile = relative(dir, test.source).split('\\').join('/');
  }
  const files = ['test.json', 'results.json'].filter((f) => ok(join(dir, f)));
  return { test, results, history, historyFile, files, logs: nodeLogs(dir) };
}

/** Rebuild `<dir>/report.html`; returns its path. */
export async function writeReport(dir: string, opts: ReadRunOptions = {}): Promise<string> {
  const input = readRunDir(dir, opts);
  const out = join(dir, 'report.html');
  writeFileSync(out, renderReport(input));
  return out;
}

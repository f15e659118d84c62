// Reading a run directory (test.json, results.json, history.jsonl, nodes/*/*.log) and writing its
// report.html. Used by `faultline report DIR`, by `check --out`, by the controller after a run,
// and lazily by `faultline serve`. The report is written in pieces while the history is streamed
// from its file (twice: facts first, then the ops), so a history of millions of ops is never in
// memory, neither as ops nor as one page-sized string.

import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { writeStreamed } from '../../src/fs-safe.js';
import { join, relative, sep } from 'node:path';
import { FaultlineError, badInput } from '../../src/errors.js';
import type { History, Op } from '../../src/history.js';
import { readHistory, streamHistory, TextSource } from '../../src/history-io.js';
import { parseJson } from '../../src/json.js';
import type { CheckResult } from '../../src/protocols.js';
import type { ReportInput, RunTestInfo } from './data.js';
import { renderReportTo, type ReportHistory } from './render.js';

/** test.json / results.json, integers beyond 2^53 exact. */
function readJson(file: string): unknown {
  return parseJson(readFileSync(file, 'utf8'), file);
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

/** Where a run directory's history is: its path and the link the report shows for it. */
interface RunMeta extends Omit<ReportInput, 'history'> {
  historyPath?: string;
  historyFormat: string;
}

function readRunMeta(dir: string, opts: ReadRunOptions): RunMeta {
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
  let historyPath: string | undefined;
  let historyFile = 'history.jsonl';
  let historyFormat = 'jsonl';
  if (ok(join(dir, historyFile))) historyPath = join(dir, historyFile);
  else if (typeof test.source === 'string' && ok(test.source)) {
    historyPath = test.source;
    historyFormat = 'auto';
    historyFile = relative(dir, test.source).split('\\').join('/');
  }
  const files = ['test.json', 'results.json', 'net.jsonl'].filter((f) => ok(join(dir, f)));
  const netLog = ok(join(dir, 'net.jsonl')) ? join(dir, 'net.jsonl') : undefined;
  return { test, results, historyPath, historyFormat, historyFile, files, logs: nodeLogs(dir), ...(netLog ? { netLog } : {}) };
}

/** Load what a report needs from a run directory, the history in memory. Missing test.json or results.json are tolerated (an interrupted run). */
export function readRunDir(dir: string, opts: ReadRunOptions = {}): ReportInput {
  const { historyPath, historyFormat, ...meta } = readRunMeta(dir, opts);
  // A run stopped before its first op leaves an empty history.jsonl: a report still shows the rest.
  const history: History = historyPath ? readHistory(historyPath, { format: historyFormat, allowEmpty: true }).history : [];
  return { ...meta, history };
}

/** The history of a file for the report, streamed: one pass now for its facts, one per forEach. */
function streamedHistory(path: string | undefined, format: string): ReportHistory {
  const view: ReportHistory = { length: 0, lastTime: 0, nemesis: [], forEach: () => {} };
  if (!path) return view;
  const pass = (each: (op: Op) => void) => streamHistory(TextSource.file(path), { format, allowEmpty: true }, each);
  pass((op) => {
    view.length++;
    view.lastTime = op.time;
    if (op.process === 'nemesis') view.nemesis.push(op);
  });
  view.forEach = (each) => pass(each);
  return view;
}

/** Rebuild `<dir>/report.html`; returns its path. */
export async function writeReport(dir: string, opts: ReadRunOptions = {}): Promise<string> {
  const { historyPath, historyFormat, ...meta } = readRunMeta(dir, opts);
  const history = streamedHistory(historyPath, historyFormat);
  const out = join(dir, 'report.html');
  writeStreamed(out, (emit) => renderReportTo(meta, history, emit));
  return out;
}

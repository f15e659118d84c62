// `faultline check FILE`: judge a stored history (faultline JSONL, Jepsen EDN, Porcupine logs)
// with a named checker, a model, or the checker of a workload; optionally write a report.

import type { Command } from 'commander';
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { formatNames, locateOpError, opToJson, readHistory, streamHistory, TextSource, writeHistoryJsonl, type ReadHistory } from '../../src/history-io.js';
import { badArgument, envErrno, FaultlineError, ioError } from '../../src/errors.js';
import { checkWritableDir, writeStreamed } from '../../src/fs-safe.js';
import { Budget, BudgetExhausted, releaseMemory, withBudget } from '../../src/budget.js';
import type { CheckOptions, CheckResult, Checker, TestInfo } from '../../src/protocols.js';
import { getChecker, checkerNames } from '../../checkers/index.js';
import { workloads } from '../../workloads/index.js';
import { chooseChecker } from '../checking.js';
import { checkerHelp } from './plugin-help.js';
import { writeJson } from '../../src/store.js';
import { writeReport } from '../report/write.js';
import { budgetOption, choiceOption, keyValueOption } from './options.js';
import { parseAvailability } from '../../checkers/stats/index.js';
import { printDetails } from './run.js';
import { summarize, verdictWord } from './verdict.js';
import { checkCiTargets, reportCi, type FailOn } from '../ci/index.js';
import { note, reportError, say } from '../output.js';

const availabilityOption = (s: string): number => parseAvailability(s, '--availability')!;

export interface CheckCliOptions {
  checker?: string;
  model?: string;
  workload?: string;
  consistencyModel?: string;
  format: string;
  out?: string;
  junit?: string;
  failOn: FailOn;
  timeLimit?: number;
  memoryLimit?: number;
  availability?: number;
  partition: boolean;
  opt: Record<string, string>;
}

export function register(program: Command): void {
  program
    .command('check')
    .description('check a stored history: faultline JSONL, Jepsen EDN or Porcupine logs')
    .argument('<file>', 'history file')
    .option('--checker <name>', `checker: ${checkerNames().join(', ')}`)
    .option('--model <model>', 'model for linearizable/sequential: register, cas-register, kv, set, fifo-queue, unordered-queue, mutex, counter, multi-register (--opt init=JSON: the initial value)')
    .option('--workload <name>', `judge as this workload does (${workloads.names().join(', ')})`)
    .option('--consistency-model <m>', 'for list-append/rw-register: strict-serializable (default), serializable, snapshot-isolation, ...')
    .option('--format <f>', `history format: ${formatNames().join(', ')}`, 'auto')
    .option('--no-partition', 'check as one state (no split by key)')
    .option('--time-limit <s>', 'time budget in seconds for reading, preparing and checking the history, positive, fractions allowed (then: unknown)', budgetOption('--time-limit', 'seconds'))
    .option('--memory-limit <mb>', 'memory budget in MiB (resident memory while reading, preparing and checking the history), positive (then: unknown)', budgetOption('--memory-limit', 'MiB'))
    .option('--availability <fraction>', "stats: the fraction of client ops that must succeed, 0..1 or 'total' (below it: invalid; without it a function that never succeeded is unknown)", availabilityOption)
    .option('--opt <key=value>', 'checker-specific option (repeatable)', keyValueOption('--opt'), {})
    .option('--out <dir>', 'write results.json and report.html there')
    .option('--junit <file>', 'write a JUnit XML report')
    .option('--fail-on <what>', 'invalid | unknown', choiceOption('--fail-on', ['invalid', 'unknown']), 'unknown')
    .addHelpText('after', () => `\n${checkerHelp()}`)
    .action(async (file: string, o: CheckCliOptions) => {
      // Output places are checked before the work: a refused --out or --junit is found in a
      // second, not after a long check (and never after a verdict line).
      if (o.out) checkWritableDir(o.out, '--out');
      checkCiTargets({ junit: o.junit });
      const { path, name, result, historyWritten, outDir } = await checkFile(file, o);
      const test: TestInfo = {
        name: `check-${name}`, db: 'none', workload: o.workload ?? name, nemesis: [], nodes: [], concurrency: 0, seed: 0, timeLimitS: 0, rate: 0,
        dbOptions: {}, startedAt: new Date().toISOString(), versions: { node: process.version }, kind: 'check', source: path, checker: name,
        ...(o.model ? { model: o.model } : {}),
      };
      const results = { valid: result.valid, results: { [name]: result }, ...(result.anomalies ? { anomalies: result.anomalies } : {}) };
      let storeError: unknown;
      let report: string | undefined;
      if (outDir) {
        try {
          report = await storeCheck(outDir, path, o.format, historyWritten, test, results);
        } catch (e) {
          storeError = e;
        }
      }
      printDetails({ valid: result.valid, results: { [name]: result } });
      for (const l of summarize(result, name)) say(l);
      say(`\n${verdictWord(result.valid)}`);
      if (report) say(`report: ${report}`);
      let code: number;
      try {
        code = reportCi([{ test, results, dir: o.out }], { junit: o.junit, failOn: o.failOn });
      } catch (e) {
        code = reportError(e);
      }
      if (storeError !== undefined) {
        note('faultline: the verdict above was computed, but --out could not be written:');
        code = reportError(storeError);
      }
      process.exitCode = code;
    });
}

/** `faultline check` without its output: choose the checker, then read and judge the file. */
export async function checkFile(file: string, o: CheckCliOptions): Promise<{ path: string; name: string; result: CheckResult; historyWritten: boolean; outDir?: string }> {
  const path = resolve(file);
  const { name, checker, opts } = chooseChecker({ ...o, file: path });
  const budget = new Budget({ timeLimitMs: opts.timeLimitMs, memoryLimitBytes: opts.memoryLimitBytes });
  const outDir = o.out ? resolve(o.out) : undefined;
  const judged = await judge(path, o.format, checker, opts, budget, outDir);
  // The history is garbage now: collect it before the report adds its own memory.
  releaseMemory();
  return { path, name, outDir, ...judged };
}

/**
 * Read the history and check it within the budget, which covers reading and preparation as well
 * as the search: past it the verdict is unknown, with the reason. Errors of the checker that name
 * "history op N" are turned into file:line. With `outDir`, history.jsonl is written there while
 * the history is in memory. The history is dropped on return (a report streams it from the file).
 */
async function judge(path: string, format: string, checker: Checker, opts: CheckOptions, budget: Budget, outDir?: string): Promise<{ result: CheckResult; historyWritten: boolean }> {
  let read: ReadHistory;
  try {
    read = readHistory(path, { format, budget });
  } catch (e) {
    if (e instanceof BudgetExhausted) return { result: exhausted(e), historyWritten: false };
    throw e;
  }
  let historyWritten = false;
  if (outDir) {
    const dest = join(outDir, 'history.jsonl');
    // A failed write here is not the end: the verdict comes first, and storing the outputs
    // afterwards tries again and reports the error then (the verdict above stands).
    try {
      mkdirSync(outDir, { recursive: true });
      // The report links ops to lines of history.jsonl: keep the original file when it is one.
      // (Its line numbers must be the ops' positions: no blank lines.)
      const n = read.history.length;
      if (read.format === 'jsonl' && read.lines[n - 1] === n) {
        if (path !== dest) copyFileSync(path, dest);
      } else writeHistoryJsonl(dest, read.history);
      historyWritten = true;
    } catch (e) {
      if (!envErrno(e) && !(e instanceof FaultlineError && e.code === 'IO')) throw e;
    }
  }
  // What the reading left of the budget is the checker's.
  const left: CheckOptions = { ...opts };
  const ms = budget.remainingMs();
  if (ms !== undefined) left.timeLimitMs = ms;
  const bytes = budget.remainingBytes();
  if (bytes !== undefined) left.memoryLimitBytes = bytes;
  let result: CheckResult;
  try {
    // The checker's own long loops (preparation, search) look at the same budget.
    result = await withBudget(budget, async () => checker.check(read.history, left));
  } catch (e) {
    if (e instanceof BudgetExhausted) result = exhausted(e);
    else throw locateOpError(e, read);
  }
  return { result, historyWritten };
}

function exhausted(e: BudgetExhausted): CheckResult {
  return { valid: 'unknown', error: e.reason };
}

/** history.jsonl for a report when the check ended before the history was read whole. */
function copyAsJsonl(path: string, format: string, dest: string): void {
  mkdirSync(dirname(dest), { recursive: true });
  writeStreamed(dest, (emit) => streamHistory(TextSource.file(path), { format }, (op) => emit(opToJson(op) + '\n')));
}

/** Writes test.json, results.json, report.html (and history.jsonl unless written) into `dir`; returns the report's path. */
async function storeCheck(dir: string, path: string, format: string, historyWritten: boolean, test: TestInfo, results: unknown): Promise<string> {
  const dest = join(dir, 'history.jsonl');
  try {
    if (!historyWritten) copyAsJsonl(path, format, dest);
  } catch (e) {
    if (e instanceof FaultlineError || !envErrno(e)) throw e;
    throw ioError('write the history', e, dest);
  }
  writeJson(join(dir, 'test.json'), { ...test, windows: [] });
  writeJson(join(dir, 'results.json'), results);
  try {
    return await writeReport(dir);
  } catch (e) {
    if (e instanceof FaultlineError || !envErrno(e)) throw e;
    throw ioError('write the report', e, join(dir, 'report.html'));
  }
}

// `faultline check FILE`: judge a stored history (faultline JSONL, Jepsen EDN, Porcupine logs)
// with a named checker, a model, or the checker of a workload; optionally write a report.

import type { Command } from 'commander';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readHistoryFile, formatNames, writeHistoryJsonl } from '../../src/history-io.js';
import { badArgument } from '../../src/errors.js';
import type { CheckOptions, Checker, TestInfo } from '../../src/protocols.js';
import { getChecker, checkerNames } from '../../checkers/index.js';
import { workloads } from '../../workloads/index.js';
import { chooseChecker } from '../checking.js';
import { writeJson } from '../../src/store.js';
import { writeReport } from '../report/write.js';
import { budgetOption, choiceOption, keyValueOption } from './options.js';
import { parseAvailability } from '../../checkers/stats/index.js';
import { printDetails } from './run.js';
import { summarize, verdictWord } from './verdict.js';
import { exitCodeFor, type FailOn } from '../ci/gate.js';
import { emitCiOutputs } from './ci-outputs.js';

const availabilityOption = (s: string): number => parseAvailability(s, '--availability')!;

interface CheckCliOptions {
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
    .option('--time-limit <s>', 'checker time budget in seconds, positive, fractions allowed (then: unknown)', budgetOption('--time-limit', 'seconds'))
    .option('--memory-limit <mb>', 'checker memory budget in MiB, positive (then: unknown)', budgetOption('--memory-limit', 'MiB'))
    .option('--availability <fraction>', "stats: the fraction of client ops that must succeed, 0..1 or 'total' (below it: invalid; without it a function that never succeeded is unknown)", availabilityOption)
    .option('--opt <key=value>', 'checker-specific option (repeatable)', keyValueOption('--opt'), {})
    .option('--out <dir>', 'write results.json and report.html there')
    .option('--junit <file>', 'write a JUnit XML report')
    .option('--fail-on <what>', 'invalid | unknown', choiceOption('--fail-on', ['invalid', 'unknown']), 'unknown')
    .action(async (file: string, o: CheckCliOptions) => {
      const path = resolve(file);
      const history = readHistoryFile(path, o.format);
      const { name, checker, opts } = chooseChecker({ ...o, file: path });
      const result = await checker.check(history, opts);
      printDetails({ valid: result.valid, results: { [name]: result } });
      for (const l of summarize(result, name)) process.stdout.write(l + '\n');
      process.stdout.write(`\n${verdictWord(result.valid)}\n`);
      const test: TestInfo = {
        name: `check-${name}`, db: 'none', workload: o.workload ?? name, nemesis: [], nodes: [], concurrency: 0, seed: 0, timeLimitS: 0, rate: 0,
        dbOptions: {}, startedAt: new Date().toISOString(), versions: { node: process.version }, kind: 'check', source: path, checker: name,
        ...(o.model ? { model: o.model } : {}),
      };
      const results = { valid: result.valid, results: { [name]: result }, ...(result.anomalies ? { anomalies: result.anomalies } : {}) };
      if (o.out) {
        const dir = resolve(o.out);
        mkdirSync(dir, { recursive: true });
        const dest = join(dir, 'history.jsonl');
        // The report links ops to lines of history.jsonl: keep the original file when it is one.
        if (path.endsWith('.jsonl')) {
          if (path !== dest) copyFileSync(path, dest);
        } else writeHistoryJsonl(dest, history);
        writeJson(join(dir, 'test.json'), { ...test, windows: [] });
        writeJson(join(dir, 'results.json'), results);
        const report = await writeReport(dir);
        process.stdout.write(`report: ${report}\n`);
      }
      emitCiOutputs({ junit: o.junit, runs: [{ test, results, dir: o.out }], failOn: o.failOn });
      process.exitCode = exitCodeFor(result.valid, o.failOn);
    });
}

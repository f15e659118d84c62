// `faultline test-all CONFIG`: run a matrix (dbs × workloads × nemeses × seeds) from a JSON
// config, print one line per run, write CI outputs, and exit with the worst verdict.

import type { Command } from 'commander';
import { runTest } from '../../src/run.js';
import { reportCi, overallValidity } from '../ci/index.js';
import { expandMatrix, readMatrixConfig, runMatrix } from '../ci/matrix.js';
import type { FailOn } from '../ci/gate.js';
import { choiceOption } from './options.js';
import { FaultlineError } from '../../src/errors.js';
import { planRun } from '../../src/plugin/plan.js';
import type { CellOptions } from '../ci/matrix.js';

/**
 * Fail fast, before the first run, on cells the matrix cannot run (not after an hour of runs):
 * each cell is planned exactly as `faultline run` plans it, which starts nothing.
 */
function validateCells(cells: CellOptions[], file: string): void {
  for (const c of cells) {
    try {
      planRun(c);
    } catch (e) {
      if (e instanceof FaultlineError) throw new FaultlineError(e.code, `${e.message} (cell ${c.db} ${c.workload} nemesis=${c.nemesis.join('+') || 'none'})`, file);
      throw e;
    }
  }
}

const WORD: Record<string, string> = { true: 'VALID  ', false: 'INVALID', unknown: 'UNKNOWN' };

export function register(program: Command): void {
  program
    .command('test-all')
    .description('run a matrix of tests from a JSON config {dbs, workloads, nemeses, seeds, timeLimit, ...}; exit with the worst verdict')
    .argument('<config>', 'JSON config file')
    .option('--out <dir>', 'results root directory (overrides the config)')
    .option('--junit <file>', 'write a JUnit XML report (one testcase per workload × nemesis × checker)')
    .option('--fail-on <what>', 'invalid | unknown: which verdicts give a non-zero exit', choiceOption('--fail-on', ['invalid', 'unknown']), 'unknown')
    .option('--dry-run', 'print the matrix and exit')
    .option('--verbose', 'show each run\'s progress')
    .action(async (file: string, o: { out?: string; junit?: string; failOn: FailOn; dryRun?: boolean; verbose?: boolean }) => {
      const config = readMatrixConfig(file);
      if (o.out) config.out = o.out;
      const cells = expandMatrix(config);
      validateCells(cells, file);
      const label = (c: (typeof cells)[number]) => `${c.db} ${c.workload} nemesis=${c.nemesis.join('+') || 'none'} seed=${c.seed}`;
      if (o.dryRun) {
        for (const c of cells) process.stdout.write(`${label(c)}\n`);
        process.stdout.write(`${cells.length} runs\n`);
        return;
      }
      process.stdout.write(`faultline test-all: ${cells.length} runs\n`);
      const runs = await runMatrix(cells, (c) => runTest({ ...c, quiet: !o.verbose }), (r, c, i) => {
        const v = r.crash !== undefined ? 'CRASHED' : WORD[String(r.results?.valid)];
        const where = r.crash !== undefined ? r.crash.split('\n')[0] : `${r.dir}/report.html`;
        process.stdout.write(`[${i + 1}/${cells.length}] ${v} ${label(c)}  ${where}\n`);
      });
      const worst = overallValidity(runs);
      process.stdout.write(`\nworst verdict: ${WORD[String(worst)]!.trim()}\n`);
      process.exitCode = reportCi(runs, { junit: o.junit, failOn: o.failOn });
    });
}

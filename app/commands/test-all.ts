// `faultline test-all CONFIG`: run a matrix (dbs × workloads × nemeses × seeds) from a JSON
// config, print one line per run, write CI outputs, and exit with the worst verdict. Every cell
// is planned (the run's own validation: names, options, plugins) before the first one runs.

import type { Command } from 'commander';
import { prepareRun, runTest } from '../../src/run.js';
import { EXIT, FaultlineError } from '../../src/errors.js';
import { checkWritableDir } from '../../src/fs-safe.js';
import { onStop } from '../../src/signals.js';
import { checkCiTargets, reportCi, overallValidity } from '../ci/index.js';
import { expandMatrix, readMatrixConfig, runMatrix, type CellOptions } from '../ci/matrix.js';
import { githubMatrix, parseShard, shardCells, type Shard } from '../ci/shard.js';
import { writeManifest, type ManifestRun } from '../ci/manifest.js';
import { resolve } from 'node:path';
import { badArgument } from '../../src/errors.js';
import type { FailOn } from '../ci/gate.js';
import { writeReport } from '../report/write.js';
import { choiceOption } from './options.js';
import { cellLine, verdictWord } from './verdict.js';
import { reportError, say } from '../output.js';

/** The config key behind each run option, so errors name the place in the config file. */
const CONFIG_KEY: Record<string, string> = {
  '--db': 'dbs',
  '--workload': 'workloads',
  '--nemesis': 'nemeses',
  '--bug': 'bug',
  '--bin': 'bin',
  '--nodes': 'nodes',
  '--concurrency': 'concurrency',
  '--rate': 'rate',
  '--time-limit': 'timeLimit',
  '--nemesis-interval': 'nemesisInterval',
  '--db-option': 'dbOptions',
  '--workload-option': 'workloadOptions',
  '--nemesis-option': 'nemesisOptions',
};

function configPlace(where: string | undefined): string | undefined {
  if (!where) return undefined;
  const [opt, ...rest] = where.split(' ');
  const key = CONFIG_KEY[opt!];
  return key ? [key, ...rest].join(' ') : where;
}

/** Fail fast, before the first run, on any cell the run would refuse (not after an hour of runs). */
export function validateCells(cells: CellOptions[], file: string): void {
  for (const c of cells) {
    try {
      prepareRun(c);
    } catch (e) {
      if (!(e instanceof FaultlineError)) throw e;
      const bare = e.where && e.message.startsWith(`${e.where}: `) ? e.message.slice(e.where.length + 2) : e.message;
      const place = configPlace(e.where);
      const cell = `${c.db} ${c.workload} nemesis=${c.nemesis.join('+') || 'none'}`;
      throw new FaultlineError(e.code, `${bare} (in the run ${cell})`, place ? `${file}: ${place}` : file);
    }
  }
}


export function register(program: Command): void {
  program
    .command('test-all')
    .description('run a matrix of tests from a JSON config {dbs, workloads, nemeses, seeds, timeLimit, ...}; exit with the worst verdict')
    .argument('<config>', 'JSON config file')
    .option('--out <dir>', 'results root directory (overrides the config)')
    .option('--junit <file>', 'write a JUnit XML report (one testcase per workload × nemesis × checker)')
    .option('--fail-on <what>', 'invalid | unknown: which verdicts give a non-zero exit', choiceOption('--fail-on', ['invalid', 'unknown']), 'unknown')
    .option('--dry-run', 'print the matrix (or this shard of it) and exit')
    .option('--shard <K/N>', 'run only slice K of N (cells dealt out round-robin); merge the slices with `faultline merge`', (v: string) => parseShard(v))
    .option('--emit <what>', "print the job matrix and exit: 'github-matrix' (JSON for strategy.matrix, one job per shard)", choiceOption('--emit', ['github-matrix']))
    .option('--shards <n>', 'with --emit: the number of jobs (default: one per cell, at most 256)', (v: string) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) throw badArgument(`expected a positive integer, got '${v}'`, '--shards');
      return n;
    })
    .option('--verbose', 'show each run\'s progress')
    .action(async (file: string, o: { out?: string; junit?: string; failOn: FailOn; dryRun?: boolean; verbose?: boolean; shard?: Shard; emit?: 'github-matrix'; shards?: number }) => {
      const config = readMatrixConfig(file);
      if (o.out) config.out = o.out;
      const cells = expandMatrix(config);
      validateCells(cells, file);
      const label = (c: (typeof cells)[number]) => `${c.db} ${c.workload} nemesis=${c.nemesis.join('+') || 'none'} seed=${c.seed}`;
      if (o.shards !== undefined && !o.emit) throw badArgument('--shards goes with --emit (test-all --shard K/N runs one slice)', '--shards');
      if (o.emit) {
        say(JSON.stringify(githubMatrix(cells.map(label), o.shards)));
        return;
      }
      const mine = shardCells(cells, o.shard);
      const of = o.shard ? ` (shard ${o.shard.k}/${o.shard.n} of ${cells.length} cells)` : '';
      if (o.dryRun) {
        for (const { cell } of mine) say(label(cell));
        say(`${mine.length} runs${of}`);
        return;
      }
      const root = resolve(config.out ?? 'results');
      checkWritableDir(root, o.out ? '--out' : `${file}: out`);
      checkCiTargets({ junit: o.junit });
      // A signal stops the current cell cleanly (the run's own handling) and the matrix with it.
      let interrupted = false;
      const unsubscribe = onStop(() => (interrupted = true));
      say(`faultline test-all: ${mine.length} runs${of}`);
      // The manifest is rewritten after each cell: `faultline merge` combines those of the shards.
      const done: ManifestRun[] = [];
      const runs = await runMatrix(
        mine.map((x) => x.cell),
        (c) => runTest({ ...c, quiet: !o.verbose, afterStore: writeReport }),
        (r, c, i) => {
          say(cellLine(r, i + 1, mine.length, label(c)));
          done.push({ ...r, index: mine[i]!.index, label: label(c) });
          writeManifest(root, { faultline: 'test-all', config: resolve(file), cells: cells.length, ...(o.shard ? { shard: o.shard } : {}), runs: done });
        },
        () => interrupted,
      );
      unsubscribe();
      if (interrupted) say(`\ninterrupted after ${runs.length} of ${mine.length} runs`);
      const worst = overallValidity(runs);
      say(`\nworst verdict: ${verdictWord(worst)}`);
      let code: number;
      try {
        code = reportCi(runs, { junit: o.junit, failOn: o.failOn });
      } catch (e) {
        code = reportError(e);
      }
      process.exitCode = interrupted ? EXIT.crash : code;
    });
}

// `faultline run`: one test end to end against a cluster, printing progress and the verdict.
// Output places (--out, --junit) are checked before the cluster starts; the exit code is the
// verdict's, 255 when interrupted, 254 when the run's files could not be stored.

import type { Command } from 'commander';
import { executePlan, prepareRun } from '../../src/run.js';
import { dbs, nemeses, workloads } from '../../src/plugin/registry.js';
import { pluginHelp } from './plugin-help.js';
import { addSshOptions, sshClusterFrom } from './ssh-options.js';
import { addEngineOption, configureEngineFrom } from './engine-options.js';
import { badArgument, EXIT } from '../../src/errors.js';
import { checkWritableDir } from '../../src/fs-safe.js';
import { getChecker } from '../../checkers/index.js';
import { parseAvailability } from '../../checkers/stats/index.js';
import { intOption, keyValueOption, listOption, numberOption, choiceOption } from './options.js';
import { summarize, verdictWord } from './verdict.js';
import { checkCiTargets, reportCi, type FailOn } from '../ci/index.js';
import { writeReport } from '../report/write.js';
import { note, reportError, say } from '../output.js';
import type { CheckResult } from '../../src/protocols.js';

export function register(program: Command): void {
  const cmd = program.command('run');
  addSshOptions(cmd);
  addEngineOption(cmd);
  cmd
    .description('run a test: workload + faults against a cluster, then check the history')
    .option('--db <name>', `database: ${dbs.names().join(', ')} (default: raft; maelstrom with --bin)`)
    .option('--bin <program>', 'an external node program speaking the Maelstrom protocol')
    .option('--workload <name>', `workload: ${workloads.names().join(', ')}`, 'register')
    .option('--nemesis <list>', `faults, comma-separated: ${nemeses.names().join(', ')}; or none`, 'partition,kill')
    .option('--nodes <n>', 'number of nodes', intOption('--nodes'))
    .option('--node-count <n>', 'number of nodes (Maelstrom\'s name for --nodes)', intOption('--node-count'))
    .option('--concurrency <n>', "client threads: a number, or Nn for N per node (Jepsen's 3n)", concurrencyOption)
    .option('--rate <r>', 'client ops per second, in total (default 1000)', numberOption('--rate'))
    .option('--time-limit <s>', 'seconds of workload', numberOption('--time-limit'), 30)
    .option('--seed <n>', 'random seed (default: random, printed)', intOption('--seed'))
    .option('--bug <name>', 'switch on a documented bug of the built-in target')
    .option('--db-option <key=value>', 'database setting (repeatable)', keyValueOption('--db-option'), {})
    .option('--nemesis-option <key=value>', 'nemesis setting (repeatable), e.g. partition=halves+one', keyValueOption('--nemesis-option'), {})
    .option('--nemesis-interval <s>', 'mean seconds between fault changes', numberOption('--nemesis-interval'), 5)
    .option('--workload-option <key=value>', 'workload setting (repeatable)', keyValueOption('--workload-option'), {})
    .option('--out <dir>', 'results root directory', 'results')
    .option('--junit <file>', 'write a JUnit XML report')
    .option('--fail-on <what>', 'invalid | unknown: which verdicts give a non-zero exit', choiceOption('--fail-on', ['invalid', 'unknown']), 'unknown')
    .option('--availability <fraction>', "the fraction of client ops that must succeed, 0..1 or 'total' (below it: invalid; without it a function that never succeeded is unknown)", (s: string) => parseAvailability(s, '--availability')!)
    .option('--recovery-wait <s>', "seconds to wait after healing before the final reads (default: the workload's: 10 for Maelstrom's workloads, else 3)", numberOption('--recovery-wait'))
    .option('--topology <name>', "broadcast: the topology told to the nodes (line, grid, tree, tree2-4, total); same as --workload-option topology=NAME")
    .option('--latency <ms>', "Maelstrom's --latency: mean latency of node-to-node messages; same as --db-option latency=MS", numberOption('--latency'))
    .option('--latency-dist <dist>', 'constant | uniform | exponential; same as --db-option latency-dist=DIST', choiceOption('--latency-dist', ['constant', 'uniform', 'exponential']))
    .option('--log-stderr', "print the nodes' stderr lines in the progress output; same as --db-option log-stderr=true")
    .option('--quiet', 'no progress output')
    .addHelpText('after', () => pluginHelp())
    .action(async (opts) => {
      // Options and plugins first (a refused run leaves nothing behind), then the output places.
      configureEngineFrom(opts);
      const plan = prepareRun({
        db: opts.db,
        bin: opts.bin,
        workload: opts.workload,
        nemesis: listOption(opts.nemesis),
        nodes: nodeCount(opts.nodes, opts.nodeCount),
        concurrency: opts.concurrency?.threads,
        concurrencyPerNode: opts.concurrency?.perNode,
        rate: opts.rate,
        timeLimitS: opts.timeLimit,
        seed: opts.seed,
        bug: opts.bug,
        dbOptions: { ...opts.dbOption, ...defined({ latency: opts.latency, 'latency-dist': opts.latencyDist, 'log-stderr': opts.logStderr ? 'true' : undefined }) },
        nemesisOptions: opts.nemesisOption,
        nemesisIntervalS: opts.nemesisInterval,
        workloadOptions: { ...opts.workloadOption, ...defined({ topology: opts.topology }) },
        ssh: sshClusterFrom(opts),
        out: opts.out,
        quiet: opts.quiet,
        availability: opts.availability,
        quiesceS: opts.recoveryWait,
        afterStore: writeReport,
      });
      checkWritableDir(opts.out, '--out');
      checkCiTargets({ junit: opts.junit });
      const outcome = await executePlan(plan);
      printDetails(outcome.results);
      for (const l of summarize(outcome.results)) say(l);
      const where = outcome.storeError ? (outcome.savedTo ?? 'nowhere: see below') : `${outcome.dir}/report.html`;
      say(`\n${verdictWord(outcome.valid)}  (${where})`);
      let code: number;
      try {
        code = reportCi([{ test: outcome.test, results: outcome.results, dir: outcome.dir }], { junit: opts.junit, failOn: opts.failOn as FailOn });
      } catch (e) {
        code = reportError(e);
      }
      if (outcome.storeError) {
        const saved = outcome.savedTo ? `; the history, test.json and results.json were saved in ${outcome.savedTo}` : '';
        note(`faultline: the run's files could not be stored: ${outcome.storeError.message}${saved}`);
        // Stopped because the history could not be written: the verdict says unknown and why.
        if (outcome.stopped?.kind !== 'storage') code = EXIT.badInput;
      }
      process.exitCode = outcome.interrupted ? EXIT.crash : code;
    });
}

/** `--concurrency 10` (threads) or `--concurrency 3n` (threads per node, Jepsen's syntax). */
function concurrencyOption(s: string): { threads?: number; perNode?: number } {
  const m = /^\s*(\d+)\s*(n?)\s*$/.exec(s);
  if (!m || Number(m[1]) === 0) throw badArgument(`expected a positive integer or Nn (N threads per node), got '${s}'`, '--concurrency');
  return m[2] ? { perNode: Number(m[1]) } : { threads: Number(m[1]) };
}

function nodeCount(nodes: number | undefined, nodeCount: number | undefined): number | undefined {
  if (nodes !== undefined && nodeCount !== undefined && nodes !== nodeCount) throw badArgument(`--nodes ${nodes} and --node-count ${nodeCount} disagree`, '--node-count');
  return nodes ?? nodeCount;
}

function defined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

/** Checker-specific explanations (witnesses, cycles, lost elements) for the invalid parts. */
export function printDetails(result: CheckResult, name?: string): void {
  if (name && result.valid !== true) {
    const plugin = getChecker(name);
    const text = plugin?.format?.(result);
    if (text) say(`--- ${name}\n${text.trimEnd()}`);
  }
  for (const [k, r] of Object.entries(result.results ?? {})) printDetails(r, k);
}

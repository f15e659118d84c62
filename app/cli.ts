// faultline's command line: builds the commander program from the registered subcommands and
// maps errors to exit codes (254 bad arguments/input, 255 crash).

import { Command, CommanderError } from 'commander';
import './builtins.js';
import { commands } from './commands/index.js';
import { loadSuites, withoutSuiteArgs } from './suite.js';
import { EXIT, exitCodeFor, FaultlineError } from '../src/errors.js';
import { faultlineVersion } from '../src/version.js';

// `faultline check … | head` closes our stdout early: that is the reader's choice, not a crash.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

const program = new Command();
program
  .name('faultline')
  .version(faultlineVersion(), '-V, --version', 'print faultline\'s version')
  .description('Jepsen-style consistency testing: run workloads against clusters under faults, check the history, report.')
  .exitOverride()
  .showHelpAfterError(false)
  .configureOutput({ outputError: (s, write) => write(s) })
  .addHelpText('after', '\nSuites: --suite FILE (repeatable, any command) loads a suite of your own plugins; without it, a\nfaultline.config.{js,mjs,ts} in the working directory is loaded. See docs/writing-a-suite.md.');

try {
  // A user's suite registers plugins that the commands' help and validation list: load it first.
  const args = process.argv.slice(2);
  await loadSuites(args);
  for (const add of commands) add(program);
  await program.parseAsync([...process.argv.slice(0, 2), ...withoutSuiteArgs(args)]);
  // Every command has finished its work here (serve waits for its signal inside its action).
  // Exit now rather than when the event loop drains: gRPC channels of closed etcd clients keep
  // retrying removed containers for minutes.
  process.exit(process.exitCode ?? 0);
} catch (e) {
  if (e instanceof CommanderError) {
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.exitCode === 0) process.exit(0);
    process.exit(EXIT.badInput);
  }
  if (e instanceof FaultlineError) {
    process.stderr.write(`faultline: ${e.message}\n`);
  } else {
    process.stderr.write(`faultline: crashed: ${(e as Error)?.stack ?? String(e)}\n`);
  }
  process.exit(exitCodeFor(e));
}

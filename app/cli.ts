// faultline's command line: builds the commander program from the registered subcommands and
// owns the process: its signals (a clean stop, exit 255), its crashes, and the one mapping of
// errors to exit codes (254 user or environment error, one message, no stack; 255 crash).

import { Command, CommanderError } from 'commander';
import './builtins.js';
import { commands } from './commands/index.js';
import { loadSuites, withoutSuiteArgs } from './suite.js';
import { EXIT, ioError } from '../src/errors.js';
import { faultlineVersion } from '../src/version.js';
import { ownSignals, runCleanups, runSyncCleanups } from '../src/signals.js';
import { watchParent } from '../src/parent-watch.js';
import { escapeControl } from '../src/terminal.js';
import { note, reportError } from './output.js';

ownSignals({ exitCode: EXIT.crash });
// Launched by npm/npx, a signal sent to npm does not reach us (npm's shell dies and leaves us
// orphaned): notice the parent going away and stop as if signalled.
watchParent();

// `faultline check … | head` closes our stdout early: that is the reader's choice, not a crash.
// Any other failure to print (a full disk behind a redirection) is the environment's.
for (const [name, stream] of [['standard output', process.stdout], ['standard error', process.stderr]] as const) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    if (stream !== process.stderr) note(`faultline: ${ioError(`write to ${name}`, e).message}`);
    runSyncCleanups();
    process.exit(EXIT.badInput);
  });
}

async function crash(e: unknown): Promise<void> {
  reportError(e);
  runSyncCleanups();
  await Promise.race([runCleanups(), new Promise((r) => setTimeout(r, 10_000).unref())]);
  process.exit(EXIT.crash);
}
process.on('uncaughtException', (e) => void crash(e));
process.on('unhandledRejection', (e) => void crash(e));

const program = new Command();
program
  .name('faultline')
  .version(faultlineVersion(), '-V, --version', 'print faultline\'s version')
  .description('Jepsen-style consistency testing: run workloads against clusters under faults, check the history, report.')
  .exitOverride()
  .showHelpAfterError(false)
  .configureOutput({ outputError: (s, write) => write(escapeControl(s)) })
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
  process.exit(reportError(e));
}

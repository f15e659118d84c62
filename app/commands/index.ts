// The CLI's subcommands. Each module exports a function that adds its command to the program;
// add one import and one list entry per command.

import type { Command } from 'commander';
import { register as run } from './run.js';
import { register as check } from './check.js';
import { register as images } from './images.js';
import { register as sweep } from './sweep.js';
import { register as report } from './report.js';
import { register as serve } from './serve.js';
import { register as testAll } from './test-all.js';
import { register as plugins } from './plugins.js';
import { register as merge } from './merge.js';

export const commands: Array<(program: Command) => void> = [run, check, images, sweep, report, serve, testAll, merge, plugins];

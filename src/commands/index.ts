// The CLI's subcommands. Each module exports a function that adds its command to the program;
// add one import and one list entry per command.

import type { Command } from 'commander';
import { register as run } from './run.js';
import { register as check } from './check.js';
import { register as images } from './images.js';

export const commands: Array<(program: Command) => void> = [run, check, images];

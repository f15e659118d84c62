// `faultline plugins`: every registered database, workload and fault (a loaded suite's too),
// with what each supports and its options, as text or as Markdown (docs/plugins.md).

import type { Command } from 'commander';
import { pluginHelp, pluginMarkdown } from './plugin-help.js';

export function register(program: Command): void {
  program
    .command('plugins')
    .description('list databases, workloads and faults with their options (--markdown: as docs/plugins.md)')
    .option('--markdown', 'print Markdown tables')
    .action((o: { markdown?: boolean }) => {
      process.stdout.write(o.markdown ? pluginMarkdown() : pluginHelp().trimStart() + '\n');
    });
}

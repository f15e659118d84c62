// `faultline report DIR...`: rebuild report.html from a stored run (test.json, results.json,
// history.jsonl), e.g. after upgrading faultline or when a run was interrupted before its report.

import type { Command } from 'commander';
import { resolve } from 'node:path';
import { writeReport } from '../report/write.js';
import { say } from '../output.js';

export function register(program: Command): void {
  program
    .command('report')
    .description('rebuild the HTML report of stored runs (directories with results.json)')
    .argument('<dir...>', 'run directories, e.g. results/raft-register/latest')
    .action(async (dirs: string[]) => {
      for (const d of dirs) {
        const out = await writeReport(resolve(d));
        say(`report: ${out}`);
      }
    });
}

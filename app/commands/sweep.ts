// `faultline sweep [--run ID]`: removes containers, networks, volumes and iptables rules that
// faultline runs left behind (a run killed with SIGKILL cannot clean up after itself).

import type { Command } from 'commander';
import { sweep } from '../../src/docker/sweep.js';

export function register(program: Command): void {
  program
    .command('sweep')
    .description('Remove every Docker container, network and volume (and iptables rule) faultline runs left behind')
    .option('--run <id>', 'only what this run left (its run id, in test.json)')
    .action(async (o: { run?: string }) => {
      const r = await sweep(o.run);
      process.stdout.write(
        `sweep${o.run ? ` (run ${o.run})` : ''}: removed ${r.containers} container(s), ${r.networks} network(s), ${r.volumes} volume(s), ${r.rules} iptables rule(s)\n`,
      );
    });
}

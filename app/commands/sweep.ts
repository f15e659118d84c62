// `faultline sweep [--run ID]`: removes containers, networks, volumes and iptables rules that
// faultline runs left behind (a run killed with SIGKILL cannot clean up after itself).

import type { Command } from 'commander';
import { sweep } from '../../src/docker/sweep.js';
import { sweepHosts } from '../../src/ssh/sweep.js';
import { addSshOptions, sshClusterFrom, type SshFlags } from './ssh-options.js';

export function register(program: Command): void {
  const cmd = program
    .command('sweep')
    .description('Remove every Docker container, network and volume (and iptables rule) faultline runs left behind; with --nodes-file/--node, what they left on those machines')
    .option('--run <id>', 'only what this run left (its run id, in test.json)');
  addSshOptions(cmd);
  cmd.action(async (o: SshFlags & { run?: string }) => {
      const hosts = sshClusterFrom(o);
      if (hosts) {
        for (const h of await sweepHosts(hosts, o.run)) {
          process.stdout.write(`sweep ${h.node}${o.run ? ` (run ${o.run})` : ''}: stopped ${h.processes} process(es), removed ${h.chains} iptables chain(s), ${h.qdiscs} qdisc(s)\n`);
        }
        return;
      }
      const r = await sweep(o.run);
      process.stdout.write(
        `sweep${o.run ? ` (run ${o.run})` : ''}: removed ${r.containers} container(s), ${r.networks} network(s), ${r.volumes} volume(s), ${r.rules} iptables rule(s)\n`,
      );
    });
}

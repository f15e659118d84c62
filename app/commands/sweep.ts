// `faultline sweep [--run ID]`: removes what faultline runs left behind (a run killed with SIGKILL
// cannot clean up after itself): node processes (a paused one included), Docker containers,
// networks and volumes, host iptables rules. Without --run, only runs whose owner process is gone.

import type { Command } from 'commander';
import { sweep } from '../../src/sweep.js';
import { sweepHosts } from '../../src/ssh/sweep.js';
import { addSshOptions, sshClusterFrom, type SshFlags } from './ssh-options.js';
import { addEngineOption, configureEngineFrom } from './engine-options.js';
import { note, say } from '../output.js';

export function register(program: Command): void {
  const cmd = program
    .command('sweep')
    .description('Remove the node processes, Docker containers, networks, volumes and iptables rules of faultline runs whose owner process is gone (or of one run); with --nodes-file/--node, what runs left on those machines')
    .option('--run <id>', 'only what this run left, even if its owner still runs (its run id, in test.json)');
  addSshOptions(cmd);
  addEngineOption(cmd);
  cmd.action(async (o: SshFlags & { run?: string; dockerHost?: string }) => {
      configureEngineFrom(o);
      const hosts = sshClusterFrom(o);
      if (hosts) {
        for (const h of await sweepHosts(hosts, o.run)) {
          say(`sweep ${h.node}${o.run ? ` (run ${o.run})` : ''}: stopped ${h.processes} process(es), removed ${h.chains} iptables chain(s), ${h.qdiscs} qdisc(s)`);
        }
        return;
      }
      const r = await sweep(o.run);
      say(
        `sweep${o.run ? ` (run ${o.run})` : ''}: removed ${r.containers} container(s), ${r.networks} network(s), ${r.volumes} volume(s), ${r.rules} iptables rule(s), ${r.processes} node process(es)`,
      );
      if (r.dockerSkipped) note(`sweep: Docker not swept: ${r.dockerSkipped}`);
      const live = r.kept.filter((k) => k.owner === 'alive');
      const unknown = r.kept.filter((k) => k.owner === 'unknown');
      if (live.length) note(`sweep: left ${live.length} run(s) still in progress: ${live.map((k) => k.runId).join(', ')}`);
      if (unknown.length) note(`sweep: left ${unknown.length} run(s) whose owner cannot be judged (no owner label, or another host); remove one with --run ID: ${unknown.map((k) => k.runId).join(', ')}`);
    });
}

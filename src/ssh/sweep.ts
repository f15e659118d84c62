// `faultline sweep --nodes-file FILE`: what runs left on machines over SSH after they were killed
// without a chance to clean up: their processes (found by FAULTLINE_RUN in their environment,
// resumed first if paused), their iptables chains, tc qdiscs and run files. With a run id, only
// that run's; without, every faultline run's on those machines.

import { FaultlineError } from '../errors.js';
import { runChain } from '../iptables-net.js';
import { SshConnection } from './connection.js';
import { signalRunScript, sweepChainsScript } from './remote-procs.js';
import { REMOTE_ROOT, type SshCluster } from './ssh-db.js';

export interface HostSweep {
  node: string;
  processes: number;
  chains: number;
  qdiscs: number;
}

/** `sh -c qdiscScript sh RUNS_DIR RUN`: deletes the qdiscs runs recorded (device names in RUNS_DIR/RUN/qdisc-*). */
const qdiscScript = `
n=0
for f in "$1"/$2/qdisc-*; do
  [ -f "$f" ] || continue
  tc qdisc del dev "$(cat "$f")" root 2>/dev/null && n=$((n + 1))
  rm -f "$f"
done
echo $n
`;

export async function sweepHosts(cluster: SshCluster, runId?: string): Promise<HostSweep[]> {
  const pattern = runId ?? '*';
  return Promise.all(
    cluster.targets.map(async (t) => {
      const c = await SshConnection.connect(t, cluster.auth);
      try {
        const sh = (script: string, ...args: string[]) => c.run(['sh', '-c', script, 'sh', ...args], { sudo: true }).then((o) => Number(o.trim()) || 0);
        await sh(signalRunScript, pattern, 'CONT');
        let processes = 0;
        for (let i = 0; i < 50; i++) {
          const n = await sh(signalRunScript, pattern, 'KILL');
          processes = Math.max(processes, n);
          if (n === 0) break;
          await new Promise((r) => setTimeout(r, 100));
        }
        let chains = 0;
        if (runId) {
          const chain = runChain(runId);
          const had = await c.exec(['iptables', '-w', '5', '-S', chain], { sudo: true });
          if (had.exitCode === 0) {
            await c.exec(['iptables', '-w', '5', '-D', 'INPUT', '-j', chain], { sudo: true });
            await c.run(['iptables', '-w', '5', '-F', chain], { sudo: true });
            await c.run(['iptables', '-w', '5', '-X', chain], { sudo: true });
            chains = 1;
          }
        } else chains = await sh(sweepChainsScript);
        const qdiscs = await sh(qdiscScript, `${REMOTE_ROOT}/runs`, pattern);
        await c.run(['sh', '-c', 'for d in "$1"/$2; do [ -d "$d" ] && rm -rf -- "$d"; done; true', 'sh', `${REMOTE_ROOT}/runs`, pattern], { sudo: true });
        return { node: t.node, processes, chains, qdiscs };
      } catch (e) {
        if (e instanceof FaultlineError) throw e;
        throw new FaultlineError('UNREACHABLE', `sweep failed: ${(e as Error).message}`, `node ${t.node}`);
      } finally {
        c.close();
      }
    }),
  );
}

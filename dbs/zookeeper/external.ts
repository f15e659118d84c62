// A ZooKeeper ensemble that already runs, given by address (`--db zookeeper --db-option
// hosts=n1=10.0.0.1:2181,n2=...`): faultline starts, stops, partitions and skews nothing there (it
// has no kill, pause, net or clock, so every fault is refused before the run starts); it drives one
// session per node and judges the history. The leader is still named through `srvr`. Znodes live
// under /faultline/<run id>, apart from the ensemble's other data.

import { FaultlineError } from '../../src/errors.js';
import type { Client, Db, Test } from '../../src/protocols.js';
import type { HostPort } from '../addresses.js';
import { fourLetter, modeOf, zkLeaders } from './four-letter.js';
import { clientConfig, zkClient, type ZkSettings } from './settings.js';

export class ZkExternalDb implements Db {
  // Named so that a refused fault says why: "db zookeeper (existing ensemble) cannot kill/start nodes".
  readonly name = 'zookeeper (existing ensemble)';
  private readonly byNode: Map<string, HostPort>;

  constructor(
    private readonly settings: ZkSettings,
    readonly hosts: readonly HostPort[],
  ) {
    this.byNode = new Map(hosts.map((h) => [h.node, h]));
  }

  /** Every server must answer `srvr` with a mode (it serves): an unreachable one stops the run here, named. */
  async setup(test: Test): Promise<void> {
    await Promise.all(
      test.nodes.map(async (node) => {
        const { host, port } = this.address(node);
        let answer: string;
        try {
          answer = await fourLetter(host, port, 'srvr', this.settings['timeout-ms']);
        } catch (e) {
          throw new FaultlineError('UNREACHABLE', `ZooKeeper at ${host}:${port} does not answer (${(e as { code?: string }).code ?? (e as Error).message})`, `node ${node}`);
        }
        if (!modeOf(answer)) {
          const hint = /not in the whitelist/.test(answer) ? ' (add srvr to 4lw.commands.whitelist)' : '';
          throw new FaultlineError('UNREACHABLE', `ZooKeeper at ${host}:${port} is not serving: ${answer.trim().slice(0, 200) || 'no answer to srvr'}${hint}`, `node ${node}`);
        }
      }),
    );
  }

  async teardown(): Promise<void> {
    // Nothing was started; the run's znodes stay under their root for anyone who wants to look.
  }

  address(node: string): HostPort {
    const h = this.byNode.get(node);
    if (!h) throw new FaultlineError('BAD_ARGUMENT', `no address for node ${node}`, '--db-option hosts');
    return h;
  }

  client(workload: string, test: Test): Client | undefined {
    return zkClient(workload, clientConfig(this.settings, (n) => `${this.address(n).host}:${this.address(n).port}`, `/faultline/${test.runId}`));
  }

  primaries(test: Test): Promise<string[]> {
    return zkLeaders(test.nodes, (n) => this.address(n));
  }
}

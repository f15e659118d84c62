// A container db's network as a property that exists before setup (capabilities are derived from
// the Db object when a run is planned) and forwards to the cluster's iptables net once it is up.

import { FaultlineError } from '../errors.js';
import type { Net } from '../protocols.js';
import type { DockerNet } from './net.js';

export function lazyNet(get: () => DockerNet | undefined): Net & Pick<DockerNet, 'rate'> {
  const n = (): DockerNet => {
    const net = get();
    if (!net) throw new FaultlineError('INTERNAL', 'network faults before the cluster is set up');
    return net;
  };
  return {
    partition: (test, grudge) => n().partition(test, grudge),
    heal: (test) => n().heal(test),
    loss: (test, p, nodes) => n().loss(test, p, nodes),
    delay: (test, ms, jitterMs, nodes) => n().delay(test, ms, jitterMs, nodes),
    rate: (test, kbit, latencyMs, nodes) => n().rate(test, kbit, latencyMs, nodes),
    fast: (test) => n().fast(test),
  };
}

// An etcd cluster that already runs, given by address (`--db etcd --db-option
// endpoints=n1=http://10.0.0.1:2379,n2=...`): faultline starts, stops and partitions nothing
// there - it drives the workload's clients, one per node, and judges the history. Process, network
// and clock faults are refused (it controls no node). Keys live under `faultline/<run id>/`, so
// the run neither reads the cluster's other data nor leaves its own where a later run would see it.

import { FaultlineError } from '../../src/errors.js';
import type { Client, Db, Test } from '../../src/protocols.js';
import { ETCD_HEALTHY, etcdClient, etcdLeaders, type EtcdSettings } from './index.js';

export interface Endpoint {
  node: string;
  url: string;
}

/**
 * `n1=http://a:2379,n2=http://b:2379`, or bare URLs (`http://a:2379,http://b:2379`, named n1,
 * n2, ...). Only http(s) URLs with a host and a port are accepted.
 */
export function parseEndpoints(s: string): Endpoint[] {
  const where = '--db-option endpoints';
  const parts = s.split(',').map((x) => x.trim()).filter(Boolean);
  if (parts.length === 0) throw new FaultlineError('BAD_ARGUMENT', 'endpoints is empty (give node=url pairs or urls, comma-separated)', where);
  const out = parts.map((p, i) => {
    const eq = p.indexOf('=');
    const node = eq > 0 && !p.slice(0, eq).includes('/') ? p.slice(0, eq) : `n${i + 1}`;
    const url = eq > 0 && !p.slice(0, eq).includes('/') ? p.slice(eq + 1) : p;
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      throw new FaultlineError('BAD_ARGUMENT', `'${url}' is not a URL (expected http://host:port)`, `${where} (${node})`);
    }
    if (!/^https?:$/.test(u.protocol) || !u.hostname) {
      throw new FaultlineError('BAD_ARGUMENT', `'${url}' is not an http(s) endpoint with a host`, `${where} (${node})`);
    }
    return { node, url: `${u.protocol}//${u.host}` };
  });
  const names = new Set(out.map((e) => e.node));
  if (names.size !== out.length) throw new FaultlineError('BAD_ARGUMENT', 'two endpoints have the same node name', where);
  return out;
}

export class EtcdExternalDb implements Db {
  // Named so that a refused fault says why: "db etcd (existing cluster) cannot kill/start nodes".
  readonly name = 'etcd (existing cluster)';
  private readonly urls: Map<string, string>;

  constructor(
    private readonly settings: EtcdSettings,
    readonly endpoints: readonly Endpoint[],
  ) {
    this.urls = new Map(endpoints.map((e) => [e.node, e.url]));
  }

  /** Checks every endpoint answers /health with a leader: an unreachable node stops the run here, named. */
  async setup(test: Test): Promise<void> {
    await Promise.all(
      test.nodes.map(async (node) => {
        const url = this.endpoint(node);
        let body: string;
        try {
          const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(this.settings.timeoutMs) });
          body = await res.text();
        } catch (e) {
          const c = (e as { cause?: { code?: string; message?: string } }).cause;
          const cause = c?.code ?? c?.message ?? (e as Error).message;
          throw new FaultlineError('UNREACHABLE', `etcd at ${url} does not answer (${cause})`, `node ${node}`);
        }
        if (!ETCD_HEALTHY.test(body)) {
          throw new FaultlineError('UNREACHABLE', `etcd at ${url} is not healthy: ${body.trim().slice(0, 200)}`, `node ${node}`);
        }
      }),
    );
  }

  async teardown(): Promise<void> {
    // Nothing was started; the run's keys stay under their prefix for anyone who wants to look.
  }

  endpoint(node: string): string {
    const url = this.urls.get(node);
    if (!url) throw new FaultlineError('BAD_ARGUMENT', `no endpoint for node ${node}`, '--db-option endpoints');
    return url;
  }

  client(workload: string, test: Test): Client | undefined {
    return etcdClient(workload, {
      endpoint: (n) => this.endpoint(n),
      reads: this.settings.reads,
      timeoutMs: this.settings.timeoutMs,
      lockTtlS: this.settings.lockTtlS,
      prefix: `faultline/${test.runId}/`,
    });
  }

  primaries(test: Test): Promise<string[]> {
    return etcdLeaders(test.nodes, (n) => this.endpoint(n));
  }
}

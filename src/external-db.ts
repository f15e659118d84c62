// A cluster that already runs, given by address (`--db-option endpoints=n1=host:port,...`):
// faultline starts, stops, partitions and skews nothing there. It checks every node answers at
// setup (an unreachable node stops the run with its name and address), then drives the
// workload's clients, one per node. With no capabilities, every fault is refused up front.

import { connect } from 'node:net';
import { FaultlineError } from './errors.js';
import type { Db, Test } from './protocols.js';
import type { Endpoint, Endpoints } from './docker/container-db.js';

export interface ExternalNode extends Endpoint {
  node: string;
}

/**
 * `n1=a:2379,n2=b:2379`, bare addresses (`a:2379,b:2379`, named n1, n2, ...) or URLs whose scheme
 * is one of `schemes`. A missing port is `defaultPort`. A URL's user, password and path are kept.
 */
export function parseAddresses(s: string, o: { where: string; defaultPort: number; schemes?: readonly string[] }): ExternalNode[] {
  const parts = s.split(',').map((x) => x.trim()).filter(Boolean);
  if (parts.length === 0) throw new FaultlineError('BAD_ARGUMENT', 'no addresses (give node=host:port pairs or host:port, comma-separated)', o.where);
  const out = parts.map((p, i) => {
    const eq = p.indexOf('=');
    const named = eq > 0 && !/[/:]/.test(p.slice(0, eq));
    const node = named ? p.slice(0, eq) : `n${i + 1}`;
    const addr = named ? p.slice(eq + 1) : p;
    const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(addr);
    let u: URL;
    try {
      u = new URL(hasScheme ? addr : `tcp://${addr}`);
    } catch {
      throw new FaultlineError('BAD_ARGUMENT', `'${addr}' is not an address (expected host:port${o.schemes ? ` or ${o.schemes.join('/')}://host:port` : ''})`, `${o.where} (${node})`);
    }
    const scheme = u.protocol.replace(/:$/, '');
    if (hasScheme && o.schemes && !o.schemes.includes(scheme)) {
      throw new FaultlineError('BAD_ARGUMENT', `'${addr}': expected a ${o.schemes.join(' or ')} URL`, `${o.where} (${node})`);
    }
    if (!u.hostname) throw new FaultlineError('BAD_ARGUMENT', `'${addr}' has no host`, `${o.where} (${node})`);
    const port = u.port ? Number(u.port) : o.defaultPort;
    const e: ExternalNode = { node, host: u.hostname.replace(/^\[|\]$/g, ''), port };
    if (hasScheme) {
      e.url = `${u.protocol}//${u.host}`;
      // Credentials and a database in the URL are the client's to use (postgres://user:pw@host/db).
      if (u.username) e.user = decodeURIComponent(u.username);
      if (u.password) e.password = decodeURIComponent(u.password);
      const path = decodeURIComponent(u.pathname.replace(/^\//, ''));
      if (path) e.path = path;
    }
    return e;
  });
  if (new Set(out.map((e) => e.node)).size !== out.length) throw new FaultlineError('BAD_ARGUMENT', 'two addresses have the same node name', o.where);
  return out;
}

/** Connects to host:port; resolves, or rejects with the socket's error code. */
export function tcpProbe(e: Endpoint, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const sock = connect({ host: e.host, port: e.port, timeout: timeoutMs });
    sock.once('connect', () => (sock.destroy(), resolve()));
    sock.once('timeout', () => (sock.destroy(), reject(new Error(`no answer within ${timeoutMs} ms`))));
    sock.once('error', (err: NodeJS.ErrnoException) => (sock.destroy(), reject(new Error(err.code ?? err.message))));
  });
}

export interface ExternalDbSpec<O> {
  name: string;
  nodes: readonly ExternalNode[];
  options: O;
  /** Checks a node is up and healthy; throws a message saying what is wrong. Default: TCP connect. */
  probe?(node: ExternalNode): Promise<void>;
  primaries?(db: ExternalDb<O>, test: Test): Promise<string[]>;
  /**
   * Removes what the run made there (a per-run schema or tables), after a run whose setup passed.
   * Default: nothing, the run's data stays under its prefix. A failure is warned, not thrown.
   */
  cleanup?(db: ExternalDb<O>, test: Test): Promise<void>;
  timeoutMs?: number;
}

export class ExternalDb<O> implements Db, Endpoints<O> {
  readonly name: string;
  readonly backend = 'external' as const;
  readonly options: O;
  /** The cluster holds others' data: clients keep theirs under a per-run prefix. */
  readonly shared = true;
  readonly primaries?: (test: Test) => Promise<string[]>;
  private readonly byNode: Map<string, ExternalNode>;
  private reached = false;

  constructor(private readonly spec: ExternalDbSpec<O>) {
    this.name = spec.name;
    this.options = spec.options;
    this.byNode = new Map(spec.nodes.map((n) => [n.node, n]));
    if (spec.primaries) this.primaries = (test) => spec.primaries!(this, test);
  }

  describe(): string {
    return 'existing cluster';
  }

  get nodeNames(): string[] {
    return this.spec.nodes.map((n) => n.node);
  }

  async setup(test: Test): Promise<void> {
    this.reached = false;
    const timeoutMs = this.spec.timeoutMs ?? 5000;
    await Promise.all(
      test.nodes.map(async (node) => {
        const e = this.endpoint(node);
        const where = `${e.host}:${e.port}`;
        try {
          await (this.spec.probe ? this.spec.probe(e) : tcpProbe(e, timeoutMs));
        } catch (err) {
          throw new FaultlineError('UNREACHABLE', `${this.name} at ${e.url ?? where} does not answer or is not healthy (${(err as Error).message})`, `node ${node}`);
        }
      }),
    );
    this.reached = true;
  }

  async teardown(test: Test): Promise<void> {
    // Nothing was started. Unless the spec cleans up, the run's data stays under its prefix.
    if (!this.reached || !this.spec.cleanup) return;
    this.reached = false;
    await this.spec.cleanup(this, test).catch((e: unknown) => test.log.warn(`${this.name}: could not remove the run's data: ${(e as Error).message}`));
  }

  endpoint(node: string): ExternalNode {
    const e = this.byNode.get(node);
    if (!e) throw new FaultlineError('BAD_ARGUMENT', `no address for node ${node}`, node);
    return e;
  }
}

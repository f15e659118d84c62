// Readiness wait strategies for container nodes (after Testcontainers): a TCP port accepting
// connections, an HTTP endpoint answering 200 (optionally with a body pattern), a command
// exiting 0 inside the container, or a line in the node's log. A node that exits while we wait
// fails at once with the tail of its log.

import { connect } from 'node:net';
import { FaultlineError } from '../errors.js';
import type { ExecResult } from './exec.js';

export type WaitStrategy =
  | { port: number }
  | { http: { port: number; path: string; body?: RegExp } }
  | { command: string[] }
  | { log: RegExp };

/** What a wait strategy needs from a cluster. */
export interface Waitable {
  ip(node: string): string;
  /** Where this machine reaches a node's port (a published port on a remote engine); default ip:port. */
  reach?(node: string, port: number): { host: string; port: number };
  exec(node: string, cmd: string[], timeoutMs?: number): Promise<ExecResult>;
  logs(node: string, tail?: number): Promise<string>;
  state(node: string): Promise<{ running: boolean; exitCode: number }>;
}

const POLL_MS = 100;

/** The ports a strategy probes from this machine (published on a remote engine). */
export function probedPorts(s: WaitStrategy): number[] {
  return 'port' in s ? [s.port] : 'http' in s ? [s.http.port] : [];
}

export function describe(s: WaitStrategy): string {
  if ('port' in s) return `port ${s.port}`;
  if ('http' in s) return `http :${s.http.port}${s.http.path}${s.http.body ? ` matching ${s.http.body}` : ''}`;
  if ('command' in s) return `command ${s.command.join(' ')}`;
  return `log line matching ${s.log}`;
}

export async function waitFor(c: Waitable, node: string, s: WaitStrategy, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (let round = 0; ; round++) {
    try {
      if (await probe(c, node, s)) return;
    } catch (e) {
      last = (e as Error)?.message ?? String(e);
    }
    // Checking the container's state costs a request: do it every few rounds.
    if (round % 5 === 4) {
      const st = await c.state(node);
      if (!st.running) {
        const tail = await c.logs(node, 30).catch(() => '');
        throw new FaultlineError('UNREACHABLE', `node exited (code ${st.exitCode}) while waiting for ${describe(s)}; last log lines:\n${tail}`, node);
      }
    }
    if (Date.now() > deadline) {
      const tail = await c.logs(node, 30).catch(() => '');
      throw new FaultlineError('UNREACHABLE', `not ready after ${timeoutMs} ms waiting for ${describe(s)}${last ? ` (${last})` : ''}; last log lines:\n${tail}`, node);
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

async function probe(c: Waitable, node: string, s: WaitStrategy): Promise<boolean> {
  const at = (port: number) => (c.reach ? c.reach(node, port) : { host: c.ip(node), port });
  if ('port' in s) return tcpOpen(at(s.port).host, at(s.port).port);
  if ('http' in s) {
    const { host, port } = at(s.http.port);
    const res = await fetch(`http://${host}:${port}${s.http.path}`, { signal: AbortSignal.timeout(1000) });
    const body = await res.text();
    return res.ok && (!s.http.body || s.http.body.test(body));
  }
  if ('command' in s) return (await c.exec(node, s.command, 5000)).exitCode === 0;
  return s.log.test(await c.logs(node));
}

function tcpOpen(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ host, port, timeout: 1000 });
    const done = (ok: boolean) => (sock.destroy(), resolve(ok));
    sock.once('connect', () => done(true));
    sock.once('timeout', () => done(false));
    sock.once('error', () => done(false));
  });
}

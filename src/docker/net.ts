// Network faults for container nodes: iptables and tc (src/iptables-net.ts) in each node's own
// network namespace, entered from the host with `nsenter -t PID -n`, so containers need no
// capabilities. On a remote engine there is no host PID to enter: the same commands run inside the
// node through the engine (docker exec; the node then has NET_ADMIN). Rules live only in the
// containers' namespaces (never the host's), so they vanish with them.

import { spawn } from 'node:child_process';
import { FaultlineError } from '../errors.js';
import { IptablesNet, type NetShell } from '../iptables-net.js';

/** What the net needs from a cluster. */
export interface NetHost {
  readonly runId: string;
  readonly nodes: readonly string[];
  ip(node: string): string;
  /** Host PID of a process in the node's netns; undefined while the node is down. */
  pid(node: string): number | undefined;
  /** The engine runs elsewhere: run the commands through `exec` instead of nsenter. */
  readonly remote?: boolean;
  exec?(node: string, cmd: string[], timeoutMs?: number): Promise<{ exitCode: number; stdout: string; stderr: string }>;
}

/** The container backend's shell into a node's netns: nsenter from the host, no capabilities needed. */
function containerShell(host: NetHost): NetShell {
  return {
    runId: host.runId,
    nodes: host.nodes,
    scope: 'table',
    address: (n) => host.ip(n),
    device: async () => 'eth0',
    run: async (node, argv, stdin) => {
      if (host.remote && host.exec) return execShell(host.exec.bind(host), node, argv, stdin);
      const pid = host.pid(node);
      return pid === undefined ? undefined : nsenter(pid, argv[0]!, argv.slice(1), stdin);
    },
  };
}

/** argv fed `stdin` through sh, with the input as an argument: no exec stdin needed. */
export function withInput(argv: string[], stdin?: string): string[] {
  return stdin === undefined ? argv : ['sh', '-c', 'in=$1; shift; printf "%s" "$in" | "$@"', 'sh', stdin, ...argv];
}

/**
 * Runs argv inside the node through the engine; input is passed as an argument and piped by sh (an
 * exec's stdin is not reliably closed through every transport). A node that is down or frozen
 * (the engine answers 409/404) is reported as down: its rules are set when it runs again.
 */
async function execShell(exec: NonNullable<NetHost['exec']>, node: string, argv: string[], stdin?: string) {
  try {
    const r = await exec(node, withInput(argv, stdin), 30_000);
    return { code: r.exitCode, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const code = (e as { statusCode?: number })?.statusCode;
    if (code === 409 || code === 404 || /is paused|is not running/i.test(String((e as Error)?.message))) return undefined;
    throw e;
  }
}

/** Network faults for container nodes (see src/iptables-net.ts). */
export class DockerNet extends IptablesNet {
  constructor(host: NetHost) {
    super(containerShell(host));
  }
}

/** The filter rules currently in a node's netns (for tests and diagnostics). */
export async function netnsRules(pid: number): Promise<string> {
  const r = await nsenter(pid, 'iptables-save', []);
  if (r.code !== 0) throw new FaultlineError('INTERNAL', `iptables-save failed: ${r.stderr.trim()}`);
  return r.stdout;
}

export function nsenter(pid: number, cmd: string, args: string[], stdin?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const c = spawn('nsenter', ['-t', String(pid), '-n', cmd, ...args], { stdio: [stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    // A command that exits before reading its input (nsenter failing: the node just died) makes
    // the write fail with EPIPE; its exit code tells the caller, the pipe error must not crash us.
    c.stdin?.on('error', () => {});
    let stdout = '';
    let stderr = '';
    c.stdout!.on('data', (b: Buffer) => (stdout += b.toString()));
    c.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
    c.on('error', (e) => reject(new FaultlineError('UNSUPPORTED', `cannot run nsenter (${e.message}); network faults need root and util-linux`)));
    c.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
    c.stdin?.end(stdin);
  });
}

// DockerNet's rule rendering (no Docker needed): partitions drop grudged peers' addresses,
// loss adds a statistic rule, everything is tagged with the run, heal and fast clear it.

import { describe, expect, it } from 'vitest';
import { DockerNet, nsenter, withInput } from './net.js';
import { overlaps } from './subnet.js';
import type { Test } from '../protocols.js';

const ips: Record<string, string> = { n1: '10.213.5.11', n2: '10.213.5.12', n3: '10.213.5.13' };
// pid undefined: nodes count as down, so only the wanted state is computed (nothing is run).
const host = { runId: 'r1', nodes: ['n1', 'n2', 'n3'], ip: (n: string) => ips[n]!, pid: () => undefined };
const test = {} as Test;

describe('DockerNet rules', () => {
  it('renders partitions and loss as tagged filter rules, and heal/fast clear them', async () => {
    const net = new DockerNet(host);
    await net.partition(test, { n1: ['n2', 'n3'], n2: ['n1'] });
    await net.loss(test, 0.25, ['n1']);
    const r1 = net.rules('n1');
    expect(r1).toContain('-A INPUT -s 10.213.5.12 -m comment --comment faultline:r1 -j DROP');
    expect(r1).toContain('-A INPUT -s 10.213.5.13 -m comment --comment faultline:r1 -j DROP');
    expect(r1).toContain('-m statistic --mode random --probability 0.25');
    expect(net.rules('n3')).not.toContain('-A INPUT');
    await net.heal(test);
    expect(net.rules('n1')).not.toContain('-s ');
    expect(net.rules('n1')).toContain('statistic');
    await net.fast(test);
    expect(net.rules('n1')).not.toContain('-A INPUT');
  });

  it('refuses a loss probability outside [0, 1]', async () => {
    await expect(new DockerNet(host).loss(test, 1.5)).rejects.toThrow(/\[0, 1\]/);
  });
});

describe('DockerNet on a remote engine', () => {
  // No host PID to enter there: commands run by exec inside the node, their input passed as an
  // argument (and piped by sh), and a frozen or stopped node (409) counts as down until it runs.
  it('runs the rules through exec with the input as an argument, and skips a paused node', async () => {
    const calls: { node: string; cmd: string[] }[] = [];
    const paused = new Set(['n3']);
    const remote = {
      ...host,
      remote: true,
      pid: () => 4242, // a remote PID: must never be entered
      exec: async (node: string, cmd: string[]) => {
        if (paused.has(node)) throw Object.assign(new Error(`Container ${node} is paused, unpause the container before exec`), { statusCode: 409 });
        calls.push({ node, cmd });
        return { exitCode: 0, stdout: '', stderr: '' };
      },
    };
    const net = new DockerNet(remote);
    await net.partition(test, { n1: ['n3'], n3: ['n1'] });
    const n1 = calls.filter((c) => c.node === 'n1');
    expect(n1.length).toBeGreaterThan(0);
    const restore = n1.find((c) => c.cmd.includes('iptables-restore'));
    expect(restore?.cmd.slice(0, 2)).toEqual(['sh', '-c']);
    expect(restore?.cmd[4]).toContain('-A INPUT -s 10.213.5.13 -m comment --comment faultline:r1 -j DROP');
    expect(calls.some((c) => c.node === 'n3')).toBe(false);
    // Resumed: the wanted rules are set then.
    paused.clear();
    await net.reapply('n3');
    expect(calls.find((c) => c.node === 'n3' && c.cmd.includes('iptables-restore'))?.cmd[4]).toContain('-s 10.213.5.11');
  });

  it('the sh pipe hands the input to the command unchanged', async () => {
    const { execFileSync } = await import('node:child_process');
    const input = "*filter\n-A INPUT -s 10.0.0.1 -m comment --comment 'a b' -j DROP\nCOMMIT\n";
    const [cmd, ...args] = withInput(['cat'], input);
    const out = execFileSync(cmd!, args, { encoding: 'utf8' });
    expect(out).toBe(input);
  });
});

describe('nsenter', () => {
  // A command that exits without reading its stdin used to raise EPIPE as an uncaught exception,
  // which tore every cluster of the process down (CI saw it once in ~5 runs).
  it('survives commands that exit before reading their input, and reports their exit code', async () => {
    let uncaught: unknown;
    const onErr = (e: unknown) => (uncaught = e);
    process.on('uncaughtException', onErr);
    try {
      const big = 'x'.repeat(4 << 20);
      for (let i = 0; i < 5; i++) {
        const r = await nsenter(process.pid, 'sh', ['-c', 'exit 3'], big);
        expect(r.code).toBe(3);
        expect((await nsenter(process.pid, 'true', [])).code).toBe(0);
      }
      await new Promise((r) => setTimeout(r, 50));
      expect(uncaught).toBeUndefined();
    } finally {
      process.off('uncaughtException', onErr);
    }
  });
});

describe('subnet overlap', () => {
  it('detects overlapping CIDR blocks', () => {
    expect(overlaps('10.213.5.0/24', '10.0.0.0/8')).toBe(true);
    expect(overlaps('10.213.5.0/24', '10.213.6.0/24')).toBe(false);
    expect(overlaps('172.17.0.0/16', '172.17.3.0/24')).toBe(true);
  });
});

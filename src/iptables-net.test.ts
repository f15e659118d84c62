// The iptables net on a shared host ('chain' scope), against a fake shell that records commands:
// rules go into the run's own chain (created and flushed by iptables-restore --noflush), INPUT
// jumps to it once, the control port is never dropped, and teardown removes hook, chain and qdisc.

import { describe, expect, it } from 'vitest';
import { IptablesNet, runChain, type NetShell } from './iptables-net.js';
import type { Test } from './protocols.js';

function fakeShell(log: string[]): NetShell {
  return {
    runId: 'run-7',
    nodes: ['a', 'b', 'c'],
    scope: 'chain',
    keepPorts: [22],
    address: (n) => `10.9.0.${n.charCodeAt(0) - 96}`,
    device: async () => 'ens3',
    run: async (node, argv, stdin) => {
      log.push(`${node}: ${argv.join(' ')}${stdin ? `\n${stdin}` : ''}`);
      // `iptables -C` (is the hook there?) fails the first time, as on a fresh host.
      return { code: argv.includes('-C') ? 1 : 0, stdout: '', stderr: '' };
    },
  };
}

describe('IptablesNet on shared hosts', () => {
  it('keeps its rules in a chain of the run, never drops the control port, and cleans up', async () => {
    const log: string[] = [];
    const net = new IptablesNet(fakeShell(log));
    const chain = runChain('run-7');
    expect(chain).toMatch(/^FL-[0-9a-f]{12}$/);
    await net.partition({} as Test, { a: ['b'] });
    const restore = log.find((l) => l.startsWith('a: iptables-restore'))!;
    expect(restore).toContain('--noflush');
    expect(restore).toContain(`:${chain} - [0:0]`);
    expect(restore).toContain(`-A ${chain} -p tcp --dport 22 -m comment --comment faultline:run-7 -j RETURN`);
    expect(restore).toContain(`-A ${chain} -s 10.9.0.2 -m comment --comment faultline:run-7 -j DROP`);
    expect(restore).not.toMatch(/-A INPUT/);
    expect(log.filter((l) => l === `a: iptables -w 5 -I INPUT -j ${chain}`)).toHaveLength(1);
    await net.partition({} as Test, { a: ['c'] });
    expect(log.filter((l) => l.startsWith(`a: iptables -w 5 -I INPUT`))).toHaveLength(1); // hooked once
    await net.rate({} as Test, 64, 200, ['b']);
    expect(log).toContain('b: tc qdisc replace dev ens3 root tbf rate 64kbit burst 1600 latency 200ms');
    log.length = 0;
    await net.teardown();
    expect(log).toEqual(
      expect.arrayContaining(['b: tc qdisc del dev ens3 root', `a: iptables -w 5 -D INPUT -j ${chain}`, `a: iptables -w 5 -F ${chain}`, `a: iptables -w 5 -X ${chain}`]),
    );
  });
});

// Packet nemesis with a fake net: default modes follow what the net can do, loss and rate reach
// the net with the configured values, stop undoes them, and missing capabilities are refused.

import { describe, expect, it } from 'vitest';
import { packetNemesis, packetOptions } from './packet.js';
import { buildNemesis } from './index.js';
import { parseOptions } from '../src/plugin/options.js';
import type { Db, Net, Test } from '../src/protocols.js';
import { createRng } from '../src/rng.js';

const settings = (raw: Record<string, string>) => parseOptions(packetOptions, raw, { flag: '--nemesis-option', owner: 'nemesis packet' });
const dbWith = (net: Net): Db => ({ name: 'fake', setup: async () => {}, teardown: async () => {}, net });
const op = (f: string, value: unknown = null) => ({ index: 0, time: 0, type: 'invoke' as const, process: 'nemesis' as const, f, value });

function fakeNet(calls: string[], rate: boolean): Net {
  const net: Net & { rate?: unknown } = {
    partition: async () => {},
    heal: async () => {},
    loss: async (_t, p, nodes) => void calls.push(`loss ${p} ${nodes?.join(',')}`),
    fast: async () => void calls.push('fast'),
  };
  if (rate) net.rate = async (_t: Test, kbit: number, lat: number) => void calls.push(`rate ${kbit} ${lat}`);
  return net;
}

function testWith(net: Net): Test {
  return { nodes: ['n1', 'n2', 'n3'], rng: createRng(3), net, signal: new AbortController().signal } as unknown as Test;
}

describe('packet nemesis', () => {
  it('applies loss and rate limits with the configured values, and stop makes the net fast', async () => {
    const calls: string[] = [];
    const net = fakeNet(calls, true);
    const test = testWith(net);
    const n = packetNemesis(dbWith(net), settings({ 'packet-loss': '0.5', 'packet-rate': '64', 'packet-latency': '300' }));
    await n.invoke(test, op('start-packet', 'loss'));
    await n.invoke(test, op('start-packet', 'rate'));
    await n.invoke(test, op('stop-packet'));
    expect(calls).toHaveLength(3);
    const [mode, p, nodes] = calls[0]!.split(' ');
    expect([mode, p, nodes!.split(',').sort()]).toEqual(['loss', '0.5', ['n1', 'n2', 'n3']]); // default targets: all
    expect(calls.slice(1)).toEqual(['rate 64 300', 'fast']);
  });

  it('defaults to loss only on a net that cannot rate-limit, and refuses rate when asked for it', async () => {
    const calls: string[] = [];
    const net = fakeNet(calls, false);
    const test = testWith(net);
    const n = packetNemesis(dbWith(net), settings({}));
    for (let i = 0; i < 5; i++) expect((await n.invoke(test, op('start-packet'))).value).toMatchObject({ mode: 'loss' });
    // Refused when the run is built, before anything starts, naming the db and what it lacks.
    expect(() => buildNemesis(['packet'], { db: dbWith(net), intervalS: 5, options: { packet: 'rate' } })).toThrow("--nemesis packet: db fake cannot rate-limit packets");
    expect(() => buildNemesis(['packet'], { db: dbWith(net), intervalS: 5, options: { packet: 'delay' } })).toThrow("--nemesis packet: db fake cannot delay packets");
    expect(buildNemesis(['packet'], { db: dbWith(net), intervalS: 5, options: { packet: 'loss' } })?.name).toBe('packet');
  });

  it('rejects unknown modes and malformed values, naming the option', () => {
    expect(() => settings({ packet: 'jitter' })).toThrow("--nemesis-option packet: expected items from loss, rate, delay, got 'jitter'");
    expect(() => settings({ 'packet-loss': '2' })).toThrow("--nemesis-option packet-loss: expected a number from 0.001 to 1, got '2'");
  });
});

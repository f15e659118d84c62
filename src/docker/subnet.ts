// The run's bridge network: a /24 in 10.213.0.0/16 that overlaps no existing Docker network and
// no route of the host, picked from a hash of the run id (so parallel runs rarely collide, and
// a collision found at create time moves on to the next one). No masquerading: nodes reach each
// other and the host, nothing else.

import { readFileSync } from 'node:fs';
import type Docker from 'dockerode';
import { dockerError } from './engine.js';

const SUBNET_PREFIX = [10, 213] as const;

export interface RunNetwork {
  subnet: string;
  gateway: string;
  /** Each node's fixed address, in the order of `nodes`. */
  ips: Readonly<Record<string, string>>;
}

/** Creates the run's network and assigns each node its address. */
export async function createRunNetwork(d: Docker, o: { name: string; runId: string; labels: Record<string, string>; nodes: readonly string[] }): Promise<RunNetwork> {
  const taken = await takenSubnets(d);
  let h = 0;
  for (const c of o.runId) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  let lastErr: unknown;
  for (let i = 0; i < 256; i++) {
    const third = (h + i) % 256;
    const base = `${SUBNET_PREFIX[0]}.${SUBNET_PREFIX[1]}.${third}`;
    const subnet = `${base}.0/24`;
    if (taken.some((t) => overlaps(t, subnet))) continue;
    try {
      await d.createNetwork({
        Name: o.name,
        Driver: 'bridge',
        CheckDuplicate: true,
        Labels: o.labels,
        IPAM: { Driver: 'default', Config: [{ Subnet: subnet, Gateway: `${base}.1` }] },
        Options: { 'com.docker.network.bridge.enable_ip_masquerade': 'false' },
      });
      return { subnet, gateway: `${base}.1`, ips: Object.fromEntries(o.nodes.map((n, j) => [n, `${base}.${11 + j}`])) };
    } catch (e) {
      // Another run took this subnet between our check and our create: try the next one.
      if (/overlap/i.test(String((e as Error)?.message))) {
        lastErr = e;
        continue;
      }
      throw e;
    }
  }
  throw dockerError('no free subnet in 10.213.0.0/16 for the cluster network', lastErr);
}

/** Subnets of existing Docker networks and of the host's routes. */
async function takenSubnets(d: Docker): Promise<string[]> {
  const out: string[] = [];
  for (const n of await d.listNetworks()) {
    for (const c of n.IPAM?.Config ?? []) if (c.Subnet && c.Subnet.includes('.')) out.push(c.Subnet);
  }
  try {
    // /proc/net/route: hex little-endian destination and mask.
    for (const line of readFileSync('/proc/net/route', 'utf8').split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 8 || f[1] === '00000000') continue;
      const ip = hexIp(f[1]!);
      const bits = popcount(parseInt(f[7]!, 16));
      out.push(`${ip}/${bits}`);
    }
  } catch {
    // not Linux: Docker's own overlap check still applies
  }
  return out;
}

function hexIp(h: string): string {
  const n = parseInt(h, 16);
  return [n & 255, (n >>> 8) & 255, (n >>> 16) & 255, (n >>> 24) & 255].join('.');
}

function popcount(n: number): number {
  let c = 0;
  for (let x = n >>> 0; x; x &= x - 1) c++;
  return c;
}

function toRange(cidr: string): [number, number] {
  const [ip, bitsS] = cidr.split('/');
  const bits = Number(bitsS ?? 32);
  const n = (ip ?? '0.0.0.0').split('.').reduce((a, o) => a * 256 + Number(o), 0);
  const size = 2 ** (32 - bits);
  const start = Math.floor(n / size) * size;
  return [start, start + size - 1];
}

/** Whether two IPv4 CIDR blocks share an address. */
export function overlaps(a: string, b: string): boolean {
  const [a0, a1] = toRange(a);
  const [b0, b1] = toRange(b);
  return a0 <= b1 && b0 <= a1;
}

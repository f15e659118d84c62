// Host-header checking for `faultline serve` (DNS rebinding: a web page on evil.example whose name
// is re-pointed at 127.0.0.1 would otherwise read the results through the visitor's browser).
// A request is answered only when its Host names this server: localhost, a loopback address,
// the bound address (every local address when bound to all), or a name the user allowed; and
// the port is the bound port.

import { hostname, networkInterfaces } from 'node:os';

/** Hostnames (lower case, IPv6 without brackets) accepted for a server bound to `host`. */
export function allowedHostnames(host: string, extra: readonly string[] = []): Set<string> {
  const names = new Set(['localhost', '127.0.0.1', '::1']);
  const bound = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (bound === '0.0.0.0' || bound === '::' || bound === '') {
    // Bound to every interface: each of the machine's own addresses and its name.
    for (const addrs of Object.values(networkInterfaces())) for (const a of addrs ?? []) names.add(a.address.toLowerCase());
    names.add(hostname().toLowerCase());
  } else names.add(bound);
  for (const e of extra) names.add(e.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase());
  return names;
}

/** Splits a Host header into hostname and port (undefined when absent); undefined if malformed. */
export function parseHostHeader(h: string): { name: string; port: number | undefined } | undefined {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^\s:[\]/@]+))(?::(\d{1,5}))?$/.exec(h.trim());
  if (!m) return undefined;
  const name = (m[1] ?? m[2]!).replace(/\.$/, '').toLowerCase();
  return { name, port: m[3] === undefined ? undefined : Number(m[3]) };
}

/** Whether a request's Host header names this server (hostnames from allowedHostnames, bound port). */
export function hostAllowed(header: string | undefined, names: ReadonlySet<string>, port: number): boolean {
  if (!header) return false;
  const h = parseHostHeader(header);
  if (!h) return false;
  return names.has(h.name) && (h.port ?? 80) === port;
}

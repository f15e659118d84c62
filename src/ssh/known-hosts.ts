// Host key checking as OpenSSH does it, from a known_hosts file: plain and hashed (|1|salt|hash)
// host patterns, `[host]:port` for ports other than 22, wildcards, @revoked keys. A host whose key
// is not listed, or listed differently, is refused with a message saying which and what to do:
// connecting anyway would hand the test's root access to whoever answers.

import { createHmac } from 'node:crypto';
import { FaultlineError } from '../errors.js';

export interface KnownHost {
  patterns: string[];
  keyType: string;
  key: Buffer;
  revoked: boolean;
  line: number;
}

export function parseKnownHosts(text: string): KnownHost[] {
  const out: KnownHost[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    let f = line.split(/\s+/);
    let revoked = false;
    if (f[0]!.startsWith('@')) {
      if (f[0] === '@revoked') revoked = true;
      else return; // @cert-authority: certificates are not supported, the line vouches for no plain key
      f = f.slice(1);
    }
    if (f.length < 3) return;
    out.push({ patterns: f[0]!.split(','), keyType: f[1]!, key: Buffer.from(f[2]!, 'base64'), revoked, line: i + 1 });
  });
  return out;
}

/** The name OpenSSH looks a host up by: `host`, or `[host]:port` off port 22. */
export function hostKeyName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function globMatch(pattern: string, name: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|\\[\]\\\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
  return re.test(name);
}

function patternMatches(pattern: string, name: string): boolean {
  if (pattern.startsWith('|1|')) {
    const [, , salt, hash] = pattern.split('|');
    if (!salt || !hash) return false;
    return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
  }
  if (pattern.startsWith('!')) return false;
  return globMatch(pattern, name);
}

/**
 * Accepts `key` (the server's public key blob) for host:port, or throws UNREACHABLE naming the
 * host, the file and what to do.
 */
export function verifyHostKey(entries: readonly KnownHost[], host: string, port: number, key: Buffer, file: string): void {
  const name = hostKeyName(host, port);
  const mine = entries.filter((e) => e.patterns.some((p) => patternMatches(p, name)) && !e.patterns.some((p) => p.startsWith('!') && globMatch(p.slice(1), name)));
  if (mine.some((e) => e.revoked && e.key.equals(key))) {
    throw new FaultlineError('UNREACHABLE', `the host key of ${name} is marked @revoked in ${file}`, name);
  }
  const listed = mine.filter((e) => !e.revoked);
  if (listed.some((e) => e.key.equals(key))) return;
  if (listed.length) {
    throw new FaultlineError(
      'UNREACHABLE',
      `the host key of ${name} does not match ${file}:${listed[0]!.line} (it may have been reinstalled, or someone is in the middle); refusing to connect. If the change is expected, remove the old line (ssh-keygen -R '${name}' -f ${file}) and add the new key`,
      name,
    );
  }
  throw new FaultlineError(
    'UNREACHABLE',
    `${name} is not in ${file}; add its key (ssh-keyscan -p ${port} ${host} >> ${file}, after checking it), or pass --ssh-strict-host-key-checking=no to accept any key`,
    name,
  );
}

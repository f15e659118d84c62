import { describe, expect, it } from 'vitest';
import { createHmac, generateKeyPairSync } from 'node:crypto';
import { parseKnownHosts, verifyHostKey } from './known-hosts.js';

/** A random ed25519 public key blob as SSH sends it (string "ssh-ed25519", string key). */
function blob(): Buffer {
  const raw = generateKeyPairSync('ed25519').publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  const str = (b: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, b.length]), b]);
  return Buffer.concat([str(Buffer.from('ssh-ed25519')), str(raw)]);
}
const hashed = (name: string) => {
  const salt = Buffer.from('0123456789abcdefghij');
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
};

describe('verifyHostKey', () => {
  const a = blob(), b = blob(), c = blob();
  const file = [
    '# comment',
    `10.0.0.1,n1 ssh-ed25519 ${a.toString('base64')}`,
    `[10.0.0.2]:2222 ssh-ed25519 ${b.toString('base64')}`,
    `${hashed('10.0.0.3')} ssh-ed25519 ${c.toString('base64')}`,
    `*.lab ssh-ed25519 ${a.toString('base64')}`,
    `@revoked * ssh-ed25519 ${b.toString('base64')}`,
  ].join('\n');
  const known = parseKnownHosts(file);

  it('accepts listed keys: plain, with port, hashed, wildcard', () => {
    expect(() => verifyHostKey(known, '10.0.0.1', 22, a, 'kh')).not.toThrow();
    expect(() => verifyHostKey(known, 'n1', 22, a, 'kh')).not.toThrow();
    expect(() => verifyHostKey(known, '10.0.0.3', 22, c, 'kh')).not.toThrow();
    expect(() => verifyHostKey(known, 'db.lab', 22, a, 'kh')).not.toThrow();
  });

  it('refuses a key that does not match, naming the line, and an unknown host, saying what to do', () => {
    expect(() => verifyHostKey(known, '10.0.0.1', 22, c, 'kh')).toThrow(/host key of 10\.0\.0\.1 does not match kh:2/);
    expect(() => verifyHostKey(known, '10.0.0.2', 22, c, 'kh')).toThrow(/10\.0\.0\.2 is not in kh; add its key \(ssh-keyscan -p 22 10\.0\.0\.2/);
    expect(() => verifyHostKey(known, '10.0.0.3', 2222, c, 'kh')).toThrow(/\[10\.0\.0\.3\]:2222 is not in kh/);
  });

  it('refuses revoked keys even where another line lists them', () => {
    expect(() => verifyHostKey(known, '10.0.0.2', 2222, b, 'kh')).toThrow(/marked @revoked/);
  });
});

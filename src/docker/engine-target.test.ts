import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FaultlineError } from '../errors.js';
import { isRemote, parseDockerHost, resolveTarget } from './engine-target.js';

const refusal = (f: () => unknown): FaultlineError => {
  try {
    f();
  } catch (e) {
    return e as FaultlineError;
  }
  throw new Error('not refused');
};

describe('engine addresses', () => {
  it('reads unix, tcp and ssh URLs', () => {
    expect(parseDockerHost('unix:///run/x.sock', '--docker-host', {})).toMatchObject({ kind: 'unix', socketPath: '/run/x.sock' });
    const plain = parseDockerHost('tcp://10.0.0.5:2375', '--docker-host', {});
    expect(plain).toMatchObject({ kind: 'tcp', host: '10.0.0.5', port: 2375 });
    expect(plain.kind === 'tcp' && plain.tls).toBeFalsy();
    expect(parseDockerHost('ssh://ci@build-3:2222', 'DOCKER_HOST', {})).toMatchObject({ kind: 'ssh', host: 'build-3', port: 2222, user: 'ci' });
    expect(parseDockerHost('ssh://build-3', 'DOCKER_HOST', {})).toMatchObject({ kind: 'ssh', host: 'build-3', port: 22, user: undefined });
    expect(parseDockerHost('ssh://root@[fd00::5]', 'DOCKER_HOST', {})).toMatchObject({ kind: 'ssh', host: 'fd00::5', port: 22 });
    expect(isRemote(parseDockerHost('unix:///var/run/docker.sock', 'x', {}))).toBe(false);
    expect(isRemote(parseDockerHost('tcp://127.0.0.1:2375', 'x', {}))).toBe(true);
  });

  it('takes TLS files from DOCKER_CERT_PATH when DOCKER_TLS_VERIFY is set, and names a missing one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fl-certs-'));
    for (const f of ['ca.pem', 'cert.pem']) writeFileSync(join(dir, f), 'x');
    const missing = refusal(() => parseDockerHost('tcp://e:2376', 'DOCKER_HOST', { DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: dir }));
    expect(missing.code).toBe('FILE_NOT_FOUND');
    expect(missing.message).toContain(join(dir, 'key.pem'));
    writeFileSync(join(dir, 'key.pem'), 'x');
    const t = parseDockerHost('tcp://e', 'DOCKER_HOST', { DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: dir });
    expect(t).toMatchObject({ kind: 'tcp', port: 2376, tls: { ca: join(dir, 'ca.pem'), cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem') } });
    const off = parseDockerHost('tcp://e:2375', 'DOCKER_HOST', { DOCKER_TLS_VERIFY: '0' });
    expect(off.kind === 'tcp' && off.tls).toBeFalsy();
  });

  it('refuses malformed addresses naming the option and the value', () => {
    for (const bad of ['', 'http://e:2375', 'e:2375', 'tcp://e', 'tcp://u@e:2375', 'ssh://u:pw@e', 'tcp://e:2375/v1', 'unix://rel/x.sock', 'tcp://:2375']) {
      const e = refusal(() => parseDockerHost(bad, '--docker-host', {}));
      expect(e, bad).toBeInstanceOf(FaultlineError);
      expect(e.code, bad).toBe('BAD_ARGUMENT');
      expect(e.where, bad).toBe(`--docker-host ${bad}`);
    }
  });

  it('prefers the flag to DOCKER_HOST, and DOCKER_HOST to the local socket', () => {
    expect(resolveTarget('ssh://a', { DOCKER_HOST: 'tcp://b:2375' })).toMatchObject({ host: 'a', where: '--docker-host' });
    expect(resolveTarget(undefined, { DOCKER_HOST: 'tcp://b:2375' })).toMatchObject({ host: 'b', where: 'DOCKER_HOST' });
    expect(resolveTarget(undefined, {})).toMatchObject({ kind: 'unix', socketPath: '/var/run/docker.sock' });
  });
});

// The container backend on a second Docker engine reached over ssh://, as on another machine: a
// test host container (the registry-free base with openssh-server and Debian's docker.io) runs
// its own dockerd and sshd; faultline reaches that engine only through SSH (`docker system
// dial-stdio`) and its nodes only through ports published on the host's address. The test itself
// looks inside with docker exec only to verify that nothing is left behind on that engine.
//
// The host container is not --privileged: this machine's engine cannot grant CAP_SYS_RESOURCE
// ("unable to apply caps: operation not permitted"), so it gets every other capability, no
// seccomp/AppArmor confinement, and writable cgroup v1 hierarchies re-mounted at start.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { utils as sshUtils } from 'ssh2';
import { DockerCluster } from '../src/docker/cluster.js';
import { ensureSystemImageFor } from '../src/docker/system-image.js';
import { faultline, spawnFaultline } from './cli-helpers.js';
import { prepareDocker, testRunId } from './docker-helpers.js';

const hostSpec = {
  name: 'docker-host',
  packages: ['openssh-server', 'docker.io'],
  dataPath: '/var/lib/docker',
  imageSteps: ['RUN rm -f /etc/ssh/ssh_host_* && mkdir -p /run/sshd'],
};

/** cgroup v1 hierarchies re-mounted read-write, so the inner dockerd can place its containers. */
const CGROUPS = `grep ' /sys/fs/cgroup/' /proc/self/mountinfo | while read -r line; do
  mp=$(echo "$line" | awk '{print $5}'); opts=$(echo "$line" | awk -F' - ' '{print $2}' | awk '{print $3}')
  ctl=$(echo "$opts" | tr ',' '\\n' | grep -vE '^(ro|rw|nosuid|nodev|noexec|relatime)$' | paste -sd, -)
  umount "$mp" && mount -t cgroup -o "rw,nosuid,nodev,noexec,$ctl" cgroup "$mp"
done
`;

const dir = mkdtempSync(join(tmpdir(), 'faultline-remote-'));
const key = sshUtils.generateKeyPairSync('ed25519');
const files = { key: join(dir, 'id_ed25519'), known: join(dir, 'known_hosts'), badKnown: join(dir, 'bad_known_hosts') };
let host: DockerCluster;
let url = '';
const engineFlags = (known = files.known) => ['--docker-host', url, '--ssh-key', files.key, '--ssh-known-hosts', known];

/** What faultline runs left on the remote engine: containers, volumes, networks with a run label. */
async function leftovers(): Promise<string> {
  const r = await host.exec('engine', ['sh', '-c', 'f=label=faultline.run; docker ps -aq --filter $f; docker volume ls -q --filter $f; docker network ls -q --filter $f']);
  expect(r.exitCode, r.stderr).toBe(0);
  return r.stdout.trim();
}

beforeAll(async () => {
  await prepareDocker();
  const image = await ensureSystemImageFor({ ...hostSpec, clientPort: 22, command: () => [], wait: { port: 22 }, clock: 'libfaketime' } as never);
  writeFileSync(files.key, key.private, { mode: 0o600 });
  host = new DockerCluster({
    runId: testRunId('remote-engine'),
    image,
    nodes: ['engine'],
    init: true,
    hostConfig: { CapAdd: ['ALL'], CapDrop: ['SYS_RESOURCE'], SecurityOpt: ['seccomp=unconfined', 'apparmor=unconfined'], MaskedPaths: [], ReadonlyPaths: [] },
    files: () => ({ '/usr/local/sbin/fl-cgroups': CGROUPS }),
    command: () => [
      'sh', '-c',
      'mkdir -p /root/.ssh && printf "%s\\n" "$1" > /root/.ssh/authorized_keys && ssh-keygen -A -q && sh /usr/local/sbin/fl-cgroups && ' +
        '(dockerd --storage-driver=overlay2 > /var/log/dockerd.log 2>&1 &) && exec /usr/sbin/sshd -D -e',
      'sh', key.public,
    ],
    dataPath: hostSpec.dataPath,
    wait: { command: ['docker', 'info'] },
    readyTimeoutMs: 120_000,
  });
  await host.up();
  const pub = (await host.exec('engine', ['cat', '/etc/ssh/ssh_host_ed25519_key.pub'])).stdout.trim().split(/\s+/);
  writeFileSync(files.known, `${host.ip('engine')} ${pub[0]} ${pub[1]}\n`);
  // The same address with another key: a reinstalled machine, or an impostor.
  const other = sshUtils.generateKeyPairSync('ed25519').public.split(' ');
  writeFileSync(files.badKnown, `${host.ip('engine')} ${other[0]} ${other[1]}\n`);
  url = `ssh://root@${host.ip('engine')}`;
}, 600_000);

afterAll(async () => {
  await host?.down();
});

describe('a remote Docker engine over ssh://', () => {
  it('runs etcd there under partitions and kills, valid, and leaves nothing on that engine', async () => {
    const r = await faultline(['run', '--db', 'etcd', ...engineFlags(), '--nemesis', 'partition,kill', '--time-limit', '15', '--seed', '2', '--out', join(dir, 'results')], { timeoutMs: 600_000 });
    expect(r.exitCode, r.stderr + r.stdout).toBe(0);
    expect(await leftovers()).toBe('');
  }, 700_000);

  it('after SIGKILL of faultline, `sweep --docker-host` removes what the run left there', async () => {
    const child = spawnFaultline(['run', '--db', 'etcd', ...engineFlags(), '--nemesis', 'partition', '--time-limit', '60', '--seed', '3', '--out', join(dir, 'results')]);
    child.catch(() => undefined);
    // Kill it once the nodes exist on the remote engine.
    const deadline = Date.now() + 240_000;
    while (Date.now() < deadline && !/\S/.test(await leftovers())) await new Promise((res) => setTimeout(res, 1000));
    expect(await leftovers()).not.toBe('');
    await new Promise((res) => setTimeout(res, 3000));
    child.kill('SIGKILL');
    await child.catch(() => undefined);
    const s = await faultline(['sweep', ...engineFlags()], { timeoutMs: 120_000 });
    expect(s.exitCode, s.stderr + s.stdout).toBe(0);
    expect(s.stdout).toMatch(/removed [1-9]\d* container/);
    expect(await leftovers()).toBe('');
  }, 400_000);

  it('refuses an engine host whose key does not match known_hosts, without a stack', async () => {
    const r = await faultline(['run', '--db', 'etcd', ...engineFlags(files.badKnown), '--nemesis', 'none', '--time-limit', '5', '--out', join(dir, 'results')], { timeoutMs: 120_000 });
    expect(r.exitCode, r.stderr + r.stdout).toBe(254);
    expect(r.stderr).toMatch(/host key .* does not match/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  }, 150_000);
});

describe('an engine that does not answer', () => {
  it.each([
    ['tcp://127.0.0.1:1', /no Docker engine answers at tcp:\/\/127\.0\.0\.1:1 .*ECONNREFUSED/],
    ['ssh://root@127.0.0.1:1', /no Docker engine answers at ssh:\/\/root@127\.0\.0\.1:1 .*ECONNREFUSED/],
  ])('%s: exit 254 naming the engine, no stack', async (u, message) => {
    const r = await faultline(['run', '--db', 'etcd', '--docker-host', u, '--ssh-key', files.key, '--time-limit', '5', '--out', join(dir, 'results')], { timeoutMs: 60_000 });
    expect(r.exitCode, r.stderr + r.stdout).toBe(254);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('a malformed DOCKER_HOST stops only runs that use Docker', async () => {
    const env = { DOCKER_HOST: 'docker-box:2375' };
    const raft = await faultline(['run', '--db', 'raft', '--nemesis', 'none', '--time-limit', '2', '--quiet', '--out', join(dir, 'results')], { timeoutMs: 60_000, env });
    // Not refused (254) and never invalid; a 2 s run on a loaded machine may see no cas succeed (unknown, 2).
    expect([0, 2], raft.stderr + raft.stdout).toContain(raft.exitCode);
    const etcd = await faultline(['run', '--db', 'etcd', '--time-limit', '2', '--quiet', '--out', join(dir, 'results')], { timeoutMs: 60_000, env });
    expect(etcd.exitCode).toBe(254);
    expect(etcd.stderr).toContain('DOCKER_HOST docker-box:2375: no scheme');
  });

  it('a malformed --docker-host is refused before anything starts', async () => {
    const r = await faultline(['run', '--db', 'etcd', '--docker-host', 'http://x:2375', '--time-limit', '5', '--out', join(dir, 'results')], { timeoutMs: 60_000 });
    expect(r.exitCode).toBe(254);
    expect(r.stderr).toContain('--docker-host http://x:2375');
  });
});

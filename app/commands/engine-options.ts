// `--docker-host URL` for the commands that drive Docker (run, test-all, sweep, images): the engine
// to use instead of DOCKER_HOST or the local socket. ssh:// engines authenticate with the SSH flags
// (--ssh-key, --ssh-user, --ssh-known-hosts, --ssh-strict-host-key-checking), as SSH nodes do.

import type { Command } from 'commander';
import { FaultlineError } from '../../src/errors.js';
import { configureEngine } from '../../src/docker/engine.js';

export interface EngineFlags {
  dockerHost?: string;
  sshUser?: string;
  sshKey?: string;
  sshKnownHosts?: string;
  sshStrictHostKeyChecking?: string;
  nodesFile?: string;
  node?: string[];
}

export function addEngineOption(cmd: Command): Command {
  return cmd.option('--docker-host <url>', 'Docker engine for container nodes: unix:///path, tcp://host:port (TLS from DOCKER_TLS_VERIFY/DOCKER_CERT_PATH) or ssh://[user@]host[:port] (default: DOCKER_HOST, else the local socket)');
}

/** The SSH flags an ssh:// engine needs, for commands that have no SSH nodes (images). */
export function addEngineSshOptions(cmd: Command): Command {
  return cmd
    .option('--ssh-user <user>', 'SSH user for an ssh:// engine without one in its URL', 'root')
    .option('--ssh-key <file>', 'SSH private key for an ssh:// engine (default: ~/.ssh/id_ed25519, else ~/.ssh/id_rsa, else the SSH agent)')
    .option('--ssh-strict-host-key-checking <yes|no>', 'refuse an engine host whose key is not in known_hosts', 'yes')
    .option('--ssh-known-hosts <file>', 'known_hosts file (default: ~/.ssh/known_hosts)');
}

/** Points the container layer at the engine the flags (or DOCKER_HOST) name; checks the URL now. */
export function configureEngineFrom(f: EngineFlags): void {
  if (f.dockerHost !== undefined && (f.nodesFile || f.node?.length)) {
    throw new FaultlineError('BAD_ARGUMENT', 'nodes run either on machines over SSH or in containers of one Docker engine: give --docker-host or --nodes-file/--node, not both', '--docker-host');
  }
  const strict = f.sshStrictHostKeyChecking ?? 'yes';
  if (strict !== 'yes' && strict !== 'no') throw new FaultlineError('BAD_ARGUMENT', `expected yes or no, got '${strict}'`, '--ssh-strict-host-key-checking');
  configureEngine({
    host: f.dockerHost,
    ssh: { user: f.sshUser, keyFile: f.sshKey, knownHosts: f.sshKnownHosts, strictHostKeyChecking: strict === 'yes' },
  });
}

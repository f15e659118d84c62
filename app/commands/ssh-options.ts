// The SSH flags shared by `run`, `test-all` and `sweep` (as Jepsen's CLI has them): which machines,
// as whom, with which key, and host key checking (on by default).

import { homedir } from 'node:os';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { FaultlineError } from '../../src/errors.js';
import { checkTargets, parseHostLine, readNodesFile } from '../../src/ssh/hosts.js';
import type { SshCluster } from '../../src/ssh/ssh-db.js';
import { intOption } from './options.js';

export interface SshFlags {
  nodesFile?: string;
  node?: string[];
  sshUser: string;
  sshKey?: string;
  sshPort: number;
  sshStrictHostKeyChecking: string;
  sshKnownHosts?: string;
}

export function addSshOptions(cmd: Command): Command {
  return cmd
    .option('--nodes-file <file>', 'run the nodes on these machines over SSH: one host per line (name=host:port allowed)')
    .option('--node <host>', 'a machine to run a node on over SSH (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--ssh-user <user>', 'SSH user (sudo is used when not root)', 'root')
    .option('--ssh-key <file>', 'SSH private key (default: ~/.ssh/id_ed25519, else ~/.ssh/id_rsa)')
    .option('--ssh-port <port>', 'SSH port for hosts that name none', intOption('--ssh-port'), 22)
    .option('--ssh-strict-host-key-checking <yes|no>', 'refuse hosts whose key is not in known_hosts', 'yes')
    .option('--ssh-known-hosts <file>', 'known_hosts file (default: ~/.ssh/known_hosts)');
}

/** The SSH cluster the flags name, or undefined when they name no host. */
export function sshClusterFrom(f: SshFlags): SshCluster | undefined {
  if (!f.nodesFile && !f.node?.length) return undefined;
  if (f.nodesFile && f.node?.length) throw new FaultlineError('BAD_ARGUMENT', 'give --nodes-file or --node, not both', '--node');
  const targets = f.nodesFile ? readNodesFile(f.nodesFile, f.sshPort) : checkTargets(f.node!.map((h) => parseHostLine(h, f.sshPort, '--node')), '--node');
  if (f.sshStrictHostKeyChecking !== 'yes' && f.sshStrictHostKeyChecking !== 'no') {
    throw new FaultlineError('BAD_ARGUMENT', `expected yes or no, got '${f.sshStrictHostKeyChecking}'`, '--ssh-strict-host-key-checking');
  }
  const keyFile = f.sshKey ?? ['id_ed25519', 'id_rsa'].map((k) => join(homedir(), '.ssh', k)).find((p) => existsSync(p));
  if (!keyFile) throw new FaultlineError('FILE_NOT_FOUND', 'no SSH key found in ~/.ssh (id_ed25519, id_rsa); give --ssh-key', '--ssh-key');
  return { targets, auth: { user: f.sshUser, keyFile, strictHostKeyChecking: f.sshStrictHostKeyChecking === 'yes', knownHosts: f.sshKnownHosts } };
}

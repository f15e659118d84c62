// One SSH connection to a test host (ssh2): run a command given as an argv (quoted word by word,
// never assembled as a shell string from input), with sudo when the user is not root, optionally
// feeding stdin; upload and download files through the same channel. Host keys are checked
// against a known_hosts file unless the user turned strict checking off.

import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Client as Ssh2Client, ConnectConfig } from 'ssh2';
import { createRequire } from 'node:module';
import { FaultlineError } from '../errors.js';
import { shellCommand } from './quote.js';
import { parseKnownHosts, verifyHostKey } from './known-hosts.js';

export interface SshTarget {
  /** The node name the test uses. */
  node: string;
  host: string;
  port: number;
}

export interface SshAuth {
  user: string;
  /** Private key file (OpenSSH format); '' to authenticate through `agent` alone. */
  keyFile: string;
  /** An SSH agent's socket (SSH_AUTH_SOCK), tried besides the key. */
  agent?: string;
  /** Check host keys against `knownHosts` (default ~/.ssh/known_hosts); false accepts any key. */
  strictHostKeyChecking: boolean;
  knownHosts?: string;
  connectTimeoutMs?: number;
}

export interface SshExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface SshExecOptions {
  /** Run as root through `sudo -n` (a no-op for root). */
  sudo?: boolean;
  input?: string | Buffer;
  timeoutMs?: number;
}

let ssh2: typeof import('ssh2') | undefined;
const lib = (): typeof import('ssh2') => (ssh2 ??= createRequire(import.meta.url)('ssh2') as typeof import('ssh2'));

export class SshConnection {
  private constructor(
    readonly target: SshTarget,
    readonly auth: SshAuth,
    private readonly client: Ssh2Client,
  ) {}

  static async connect(target: SshTarget, auth: SshAuth): Promise<SshConnection> {
    const where = `node ${target.node} (${auth.user}@${target.host}:${target.port})`;
    let key: Buffer | undefined;
    try {
      if (auth.keyFile || !auth.agent) key = readFileSync(auth.keyFile);
    } catch (e) {
      throw new FaultlineError('FILE_NOT_FOUND', `cannot read the SSH key: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, `--ssh-key ${auth.keyFile}`);
    }
    const knownFile = auth.knownHosts ?? join(homedir(), '.ssh', 'known_hosts');
    let refusal: FaultlineError | undefined;
    const hostVerifier = (hostKey: Buffer): boolean => {
      if (!auth.strictHostKeyChecking) return true;
      try {
        let text = '';
        try {
          text = readFileSync(knownFile, 'utf8');
        } catch {
          // no file: every host is unknown, and verifyHostKey says so
        }
        verifyHostKey(parseKnownHosts(text), target.host, target.port, hostKey, knownFile);
        return true;
      } catch (e) {
        refusal = e as FaultlineError;
        return false;
      }
    };
    const client = new (lib().Client)();
    const config: ConnectConfig = {
      host: target.host,
      port: target.port,
      username: auth.user,
      ...(key ? { privateKey: key } : {}),
      ...(auth.agent ? { agent: auth.agent } : {}),
      readyTimeout: auth.connectTimeoutMs ?? 10_000,
      hostVerifier,
      keepaliveInterval: 5000,
    };
    await new Promise<void>((resolve, reject) => {
      client.once('ready', () => resolve());
      client.once('error', (e: Error & { level?: string; code?: string }) => {
        if (refusal) return reject(refusal);
        const why = e.level === 'client-authentication' ? `authentication failed for ${auth.user} with ${auth.keyFile || `the agent at ${auth.agent}`}` : (e.code ?? e.message);
        reject(new FaultlineError('UNREACHABLE', `cannot connect over SSH: ${why}`, where));
      });
      client.connect(config);
    });
    client.on('error', () => {}); // later errors surface through the commands that hit them
    return new SshConnection(target, auth, client);
  }

  /** Runs `argv` on the host. Never throws for a non-zero exit; throws when the connection fails. */
  exec(argv: readonly string[], o: SshExecOptions = {}): Promise<SshExecResult> {
    const cmd = shellCommand(o.sudo && this.auth.user !== 'root' ? ['sudo', '-n', '--', ...argv] : argv);
    const timeoutMs = o.timeoutMs ?? 60_000;
    return new Promise((resolve, reject) => {
      this.client.exec(cmd, (err, stream) => {
        if (err) return reject(new FaultlineError('UNREACHABLE', `ssh exec failed: ${err.message}`, `node ${this.target.node}`));
        let stdout = '';
        let stderr = '';
        const timer = setTimeout(() => {
          stream.close();
          reject(new FaultlineError('UNREACHABLE', `command timed out after ${timeoutMs} ms: ${argv.join(' ')}`, `node ${this.target.node}`));
        }, timeoutMs);
        stream.on('data', (b: Buffer) => (stdout += b.toString()));
        stream.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
        stream.on('close', (code: number | null) => {
          clearTimeout(timer);
          resolve({ exitCode: code ?? -1, stdout, stderr });
        });
        if (o.input !== undefined) stream.end(o.input);
        else stream.end();
      });
    });
  }

  /** Opens a channel running `argv` (stdin/stdout as a duplex stream), for protocols tunnelled over SSH. */
  channel(argv: readonly string[]): Promise<import('ssh2').ClientChannel> {
    return new Promise((resolve, reject) => {
      this.client.exec(shellCommand(argv), (err, stream) => (err ? reject(new FaultlineError('UNREACHABLE', `ssh exec failed: ${err.message}`, `node ${this.target.node}`)) : resolve(stream)));
    });
  }

  /** Runs `argv` and throws (naming the node and the command) unless it exits 0. */
  async run(argv: readonly string[], o: SshExecOptions = {}): Promise<string> {
    const r = await this.exec(argv, o);
    if (r.exitCode !== 0) {
      throw new FaultlineError('UNREACHABLE', `'${argv.join(' ')}' exited ${r.exitCode}: ${(r.stderr || r.stdout).trim().slice(-500)}`, `node ${this.target.node}`);
    }
    return r.stdout;
  }

  /** Writes a file on the host (as root when `sudo`), creating its directory. */
  async upload(path: string, content: string | Buffer, o: { sudo?: boolean; mode?: string } = {}): Promise<void> {
    await this.run(['sh', '-c', 'mkdir -p "$(dirname "$1")" && cat > "$1" && chmod "$2" "$1"', 'sh', path, o.mode ?? '0644'], { sudo: o.sudo, input: content });
  }

  /** A file's content from the host, or undefined when it does not exist. */
  async download(path: string, o: { sudo?: boolean } = {}): Promise<string | undefined> {
    const r = await this.exec(['cat', '--', path], { sudo: o.sudo });
    return r.exitCode === 0 ? r.stdout : undefined;
  }

  close(): void {
    this.client.end();
  }
}

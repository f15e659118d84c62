// An engine on another machine reached over SSH, as the docker CLI does it: each HTTP connection
// of the Docker API is a channel running `docker system dial-stdio` on that machine. Unlike
// docker-modem's own ssh mode (one SSH handshake per request), connections are kept and reused:
// a small pool of SSH sessions, each carrying a few channels (sshd allows ten per session), with
// the host key checked against known_hosts like the SSH backend does.

import { Agent, type ClientRequestArgs } from 'node:http';
import type { Duplex } from 'node:stream';
import { FaultlineError } from '../errors.js';
import { SshConnection, type SshAuth } from '../ssh/connection.js';

/** Channels per SSH session before another session is opened (OpenSSH's MaxSessions is 10). */
const CHANNELS_PER_SESSION = 8;

interface Session {
  conn: Promise<SshConnection>;
  open: number;
}

export class SshEngineAgent extends Agent {
  private readonly sessions: Session[] = [];
  private closed = false;

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly auth: SshAuth,
  ) {
    super({ keepAlive: true, maxFreeSockets: 4 });
  }

  private session(): Session {
    const free = this.sessions.find((s) => s.open < CHANNELS_PER_SESSION);
    if (free) return free;
    const s: Session = { conn: SshConnection.connect({ node: `Docker engine ssh://${this.auth.user}@${this.host}:${this.port}`, host: this.host, port: this.port }, this.auth), open: 0 };
    // A failed handshake is not kept: the next request tries again (and reports its own error).
    s.conn.catch(() => this.sessions.splice(this.sessions.indexOf(s) >>> 0, 1));
    this.sessions.push(s);
    return s;
  }

  override createConnection(_o: ClientRequestArgs, cb: (err: Error | null, socket: Duplex) => void): Duplex | undefined {
    if (this.closed) {
      cb(new FaultlineError('INTERNAL', 'the SSH engine connection was closed'), undefined as never);
      return undefined;
    }
    const s = this.session();
    s.open++;
    s.conn
      .then((c) => c.channel(['docker', 'system', 'dial-stdio']))
      .then((ch) => {
        // http.Agent treats its sockets as net.Sockets; a channel has none of these knobs.
        const sock = ch as unknown as Record<string, unknown>;
        for (const m of ['setKeepAlive', 'setNoDelay', 'setTimeout', 'ref', 'unref']) sock[m] ??= () => ch;
        let released = false;
        const release = (): void => {
          if (!released) (released = true), s.open--;
        };
        ch.once('close', release);
        ch.stderr.on('data', () => {}); // dial-stdio's own complaints end the channel; the request reports them
        cb(null, ch);
      })
      .catch((e: unknown) => {
        s.open--;
        cb(e as Error, undefined as never);
      });
    return undefined;
  }

  override destroy(): void {
    this.closed = true;
    super.destroy();
    for (const s of this.sessions.splice(0)) s.conn.then((c) => c.close()).catch(() => {});
  }
}

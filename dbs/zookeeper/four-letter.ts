// ZooKeeper's four-letter words (srvr, mntr, ruok) over the client port: the leader is the server
// whose `srvr` says "Mode: leader". The images whitelist srvr, mntr, stat, ruok and conf.

import { connect } from 'node:net';

/** Sends a four-letter word to host:port and returns the whole answer (the server closes after it). */
export function fourLetter(host: string, port: number, word: string, timeoutMs = 1000): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = connect({ host, port });
    let out = '';
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`${word} to ${host}:${port}: no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    sock.on('connect', () => sock.write(word));
    sock.on('data', (b: Buffer) => (out += b.toString('utf8')));
    sock.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    sock.on('close', () => {
      clearTimeout(timer);
      resolve(out);
    });
  });
}

/** The server's mode from a `srvr` answer: leader, follower, standalone, observer; undefined when not serving. */
export function modeOf(srvr: string): string | undefined {
  return /^Mode: (\w+)/m.exec(srvr)?.[1];
}

/** Names of the nodes whose server says it leads (a partitioned old leader may, for a while). */
export async function zkLeaders(nodes: readonly string[], hostPort: (node: string) => { host: string; port: number }): Promise<string[]> {
  const out: string[] = [];
  await Promise.all(
    nodes.map(async (n) => {
      const { host, port } = hostPort(n);
      try {
        const mode = modeOf(await fourLetter(host, port, 'srvr'));
        if (mode === 'leader' || mode === 'standalone') out.push(n);
      } catch {
        // down, paused or cut off: it cannot be asked, so it is not named
      }
    }),
  );
  return out.sort();
}

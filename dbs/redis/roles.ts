// Which Redis nodes are primaries: those whose INFO replication says role:master. During a
// failover two may say so (the isolated old primary has not heard it was replaced): both are named.

import { connectRedis } from './connection.js';

export async function redisPrimaries(nodes: readonly string[], address: (node: string) => { host: string; port: number }): Promise<string[]> {
  const out: string[] = [];
  await Promise.all(
    nodes.map(async (n) => {
      const r = connectRedis(address(n), 1000);
      try {
        await r.connect();
        if (/^role:master\b/m.test(await r.info('replication'))) out.push(n);
      } catch {
        // down, paused or cut off: it cannot be asked, so it is not named
      } finally {
        r.disconnect();
      }
    }),
  );
  return out.sort();
}

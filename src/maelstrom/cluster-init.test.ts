// Node start-up on a loaded machine: an init_ok that arrived while faultline's event loop was
// blocked (spawning blocks it until the child execs; five nodes at once took seconds under load)
// must be read before the init deadline is judged.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Cluster } from './cluster.js';
import { Router } from './router.js';

// A node that answers init at once, then leaves a mark on disk for the test to see.
const NODE = `
const fs = require('node:fs');
let buf = '';
process.stdin.on('data', (c) => {
  buf += c;
  const nl = buf.indexOf('\\n');
  if (nl < 0) return;
  const m = JSON.parse(buf.slice(0, nl));
  process.stdout.write(JSON.stringify({ src: m.dest, dest: m.src, body: { type: 'init_ok', in_reply_to: m.body.msg_id } }) + '\\n');
  fs.writeFileSync(process.env.FAULTLINE_NODE_DIR + '/answered', '');
});
process.stdin.on('end', () => process.exit(0));
`;

describe('cluster start-up', () => {
  it('accepts an init_ok that arrived while the event loop was blocked past the deadline', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'faultline-init-'));
    const router = new Router(1);
    const cluster = new Cluster({ nodeIds: ['n1'], dir, command: process.execPath, args: ['-e', NODE], router, initTimeoutMs: 200 });
    try {
      const started = cluster.start('n1');
      // Block the event loop until the node has answered, and past the 200 ms deadline.
      const mark = join(dir, 'nodes', 'n1', 'answered');
      const t = Date.now();
      while (!existsSync(mark) && Date.now() - t < 60_000) {
        // busy: as when this process is descheduled or spawning
      }
      const until = Math.max(Date.now() + 50, t + 300);
      while (Date.now() < until) {
        // past the deadline for sure
      }
      await expect(started).resolves.toBeUndefined();
      expect(cluster.status('n1')).toBe('running');
    } finally {
      await cluster.teardown();
    }
  });
});

// Network facts of a real Maelstrom run: the Python gossip node (test/fixtures/maelstrom/gossip.py)
// runs Maelstrom's broadcast workload under partitions through the CLI; results.json must count
// the messages the nodes and clients really exchanged (checked against net.jsonl and the history),
// measure convergence from the final reads, and the report must show both and embed the log.
import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import type { NetFacts } from '../src/net-facts.js';
import { readHistoryFile } from '../src/history-io.js';
import type { Convergence } from '../src/convergence.js';
import type { NetLogLine } from '../src/maelstrom/net-journal.js';

const BIN = fileURLToPath(new URL('../bin/faultline.js', import.meta.url));
const GOSSIP = fileURLToPath(new URL('./fixtures/maelstrom/gossip.py', import.meta.url));

describe('network facts of a broadcast run', () => {
  it('counts messages per op, logs every message, measures convergence, and the report shows them', async () => {
    const out = mkdtempSync(join(tmpdir(), 'faultline-net-'));
    const r = await execa('node', [BIN, 'run', '--bin', GOSSIP, '--db-option', 'args=broadcast 1', '--workload', 'broadcast', '--nemesis', 'partition',
      '--nemesis-interval', '2', '--time-limit', '6', '--rate', '40', '--recovery-wait', '2', '--latency', '5', '--seed', '5', '--out', out, '--quiet'], { reject: false });
    expect(r.exitCode, r.stderr + r.stdout).toBe(0);
    const dir = join(out, 'maelstrom-broadcast', 'latest');
    const results = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as { net: NetFacts; convergence: Convergence };
    const history = readHistoryFile(join(dir, 'history.jsonl'));
    const log = readFileSync(join(dir, 'net.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as NetLogLine);
    const { net } = results;

    // Client ops: every client invocation; each broadcast op sent exactly one broadcast request.
    const invokes = history.filter((o) => o.type === 'invoke' && typeof o.process === 'number');
    expect(net.clientOps).toBe(invokes.length);
    expect(net.groups.clients.byType.broadcast).toBe(invokes.filter((o) => o.f === 'broadcast').length);
    expect(net.groups.clients.byType.read).toBe(invokes.filter((o) => o.f === 'read').length);
    // The nodes gossiped, and partitions dropped some of it; partitions never cut clients.
    expect(net.groups.servers.byType.gossip).toBeGreaterThan(0);
    expect(Object.keys(net.groups.servers.byType)).toEqual(['gossip']);
    expect(log.filter((l) => (l.src.startsWith('c') || l.dest.startsWith('c')) && l.fate === 'partitioned')).toEqual([]);
    expect(net.groups.all.sent).toBe(net.groups.servers.sent + net.groups.clients.sent + net.groups.services.sent);
    expect(net.groups.all.msgsPerOp).toBeCloseTo(net.groups.all.sent / net.clientOps, 2);
    // The log holds every counted message, with its fate; gossip arrives 5 ms after it was sent.
    expect(net.log).toMatchObject({ file: 'net.jsonl', messages: log.length, truncated: false });
    expect(log.length).toBe(net.groups.all.sent);
    // Dropped is every fate but delivered and in flight: mostly the partition's, plus any gossip
    // that reached a node already stopped at teardown (unroutable), which a loaded machine shows.
    const dropped = log.filter((l) => l.fate !== 'delivered' && l.fate !== 'in-flight');
    expect(dropped.length).toBe(net.groups.all.dropped);
    expect(dropped.filter((l) => l.fate === 'partitioned').length).toBeGreaterThan(0);
    expect(dropped.every((l) => l.fate === 'partitioned' || l.fate === 'unroutable'), JSON.stringify(dropped.filter((l) => l.fate !== 'partitioned'))).toBe(true);
    const gossip = log.filter((l) => l.type === 'gossip' && l.fate === 'delivered');
    for (const l of gossip) expect(l.at! - l.sent).toBeGreaterThanOrEqual(4e6);
    expect(log.filter((l) => l.type === 'broadcast' && l.src.startsWith('c')).length).toBe(net.groups.clients.byType.broadcast);

    // Convergence: final reads agree; the bound is at least the recovery wait, from the heal.
    const c = results.convergence;
    expect(c).toMatchObject({ agreed: true, distinctFinalValues: 1, notBeforeMs: 0 });
    expect(c.finalReads).toBe(history.filter((o) => o.type === 'ok' && o.final === true).length);
    expect(c.finalReadsAfterMs).toBeGreaterThanOrEqual(1900);
    expect(c.withinMs).toBeGreaterThanOrEqual(c.finalReadsAfterMs);

    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html).toContain('Messages per operation');
    expect(html).toContain(`<b>${net.groups.all.msgsPerOp}</b>`);
    expect(html).toContain(`Converged within <b>${c.withinMs} ms</b>`);
    const embedded = JSON.parse(/<script type="application\/json" id="fl-net">([\s\S]*?)<\/script>/.exec(html)![1]!) as { messages: unknown[]; total: number };
    expect(embedded.total).toBe(log.length);
    expect(embedded.messages).toHaveLength(log.length);
  }, 90_000);
});

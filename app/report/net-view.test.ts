// The report's Network section: messages per op and convergence from results.json, the message
// log embedded (windowed around the first anomaly when too long), hostile names escaped.
import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { broadcastNetRun } from '../../test/net-fixtures.js';
import { readNetLog } from './net-data.js';
import { renderNetSection } from './net-view.js';
import { renderReport } from './render.js';
import { readRunDir } from './write.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'fl-net-view-'));

/** The JSON of the page's fl-net script. */
function embedded(html: string): { messages: number[][]; total: number; endpoints: string[]; types: string[] } {
  const m = /<script type="application\/json" id="fl-net">([\s\S]*?)<\/script>/.exec(html);
  if (!m) throw new Error('no fl-net script');
  return JSON.parse(m[1]!);
}

describe('Network section', () => {
  it('shows messages per op by group and type, convergence, and embeds every message sorted by send time', () => {
    const { dir, lines } = broadcastNetRun(join(tmp(), 'run'), 2000);
    const input = readRunDir(dir);
    const html = renderReport(input);
    expect(html).toContain('<section id="net-section"><h2>Network</h2>');
    const net = input.results.net as { clientOps: number; groups: { all: { sent: number; msgsPerOp: number }; servers: { byType: Record<string, number> } } };
    expect(net.groups.all.sent).toBe(lines);
    expect(html).toContain(`<b>${net.groups.all.msgsPerOp}</b>`);
    expect(html).toContain('<code>gossip</code>');
    expect(html).toMatch(/Converged within <b>[\d.]+ ms<\/b> of the last update/);
    const e = embedded(html);
    expect(e.total).toBe(lines);
    expect(e.messages).toHaveLength(lines);
    for (let i = 1; i < e.messages.length; i++) expect(e.messages[i]![0]).toBeGreaterThanOrEqual(e.messages[i - 1]![0]!);
    expect(e.types).toEqual(expect.arrayContaining(['broadcast', 'broadcast_ok', 'gossip', 'read', 'read_ok']));
    expect(html).toContain('id="lamport"');
    expect(html).toContain('href="net.jsonl"');
  });

  it('embeds a window of a long log around the first anomaly, and says how much it holds', () => {
    const { dir, anomalyIndex } = broadcastNetRun(join(tmp(), 'run'), 3000, true);
    const input = readRunDir(dir);
    const focus = input.history[anomalyIndex]!.time;
    const net = readNetLog(join(dir, 'net.jsonl'), focus, 500);
    expect(net.total).toBeGreaterThanOrEqual(3000);
    expect(net.messages).toHaveLength(500);
    const first = net.messages[0]![0] * 1000;
    const last = net.messages[499]![0] * 1000;
    expect(first).toBeLessThanOrEqual(focus);
    expect(last).toBeGreaterThan(focus);
    // Without a focus: the first messages.
    expect(readNetLog(join(dir, 'net.jsonl'), undefined, 500).messages[0]![0]).toBeLessThan(first / 1000);
  });

  it('skips malformed lines and escapes endpoint and type names (they are data)', () => {
    const dir = tmp();
    const file = join(dir, 'net.jsonl');
    writeFileSync(file, JSON.stringify({ src: '<img src=x>', dest: 'n1', type: '</script><script>x=1</script>', sent: 5000, at: 6000, fate: 'delivered' }) + '\n');
    appendFileSync(file, 'not json\n{"src":1}\n');
    const net = readNetLog(file);
    expect(net).toMatchObject({ total: 1, skipped: 2, endpoints: ['<img src=x>', 'n1'] });
    expect(net.messages[0]).toEqual([5, 6, 0, 1, 0, 0, -1, -1]);
    const html = renderReport({ test: {}, results: { valid: true }, history: [], netLog: file });
    expect(html).not.toContain('</script><script>x=1');
    expect(html.match(/<script/g)).toHaveLength(4);
  });

  it('renders nothing without network facts; a run without final reads has no convergence paragraph', () => {
    expect(renderNetSection({ valid: true }, false)).toBe('');
    expect(renderNetSection({ valid: true, net: { nonsense: 1 } }, false)).toBe('');
  });

  it('says when the final reads disagree', () => {
    const html = renderNetSection({ valid: false, convergence: { from: 'heal', fromTime: 1e9, finalReads: 3, agreed: false, distinctFinalValues: 2, withinMs: null, notBeforeMs: 0, finalReadsAfterMs: 10, nodes: {} } }, false);
    expect(html).toContain('<h2>Convergence</h2>');
    expect(html).toContain('The final reads did not agree</span> (2 different values among 3 successful final reads)');
  });
});

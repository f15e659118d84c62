// A synthetic broadcast run directory with a message log, for the report's Network section tests
// and bench/report.ts: clients c1..cK broadcast and read through nodes n1..n3, the nodes gossip
// (5 ms apart), a partition drops gossip for a while, final reads agree. net.jsonl is written as
// the router writes it; results.json carries `net` and `convergence` computed by the real code.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Op } from '../src/history.js';
import type { NetLogLine } from '../src/maelstrom/net-journal.js';
import { NetStats, groupOf } from '../src/maelstrom/net-stats.js';
import { netFacts, clientOpCount } from '../src/net-facts.js';
import { convergenceOf } from '../src/convergence.js';
import { createRng } from '../src/rng.js';
import { writeRunDir } from './report-fixtures.js';

const MS = 1e6;

/** About `messages` messages; the anomaly (if `anomaly`) points at a read in the middle. */
export function broadcastNetRun(dir: string, messages = 3000, anomaly = false): { dir: string; anomalyIndex: number; lines: number } {
  const rng = createRng(11);
  const nodes = ['n1', 'n2', 'n3'];
  const ops: Op[] = [];
  const lines: NetLogLine[] = [];
  const stats = new NetStats();
  const push = (o: Omit<Op, 'index'>): number => ops.push({ index: ops.length, ...o } as Op) - 1;
  const msg = (src: string, dest: string, type: string, sent: number, at: number | null, fate: NetLogLine['fate'], id?: number, re?: number) => {
    const g = groupOf(src[0] === 'c' ? 'client' : 'node', dest[0] === 'c' ? 'client' : 'node');
    stats.sent(g, type);
    if (fate !== 'in-flight') stats.resolved(g, fate === 'delivered');
    lines.push({ src, dest, type, sent, at, fate, ...(id !== undefined ? { msg_id: id } : {}), ...(re !== undefined ? { in_reply_to: re } : {}) });
  };
  let t = 10 * MS;
  let v = 0;
  let msgId = 1;
  const partition = { start: 0, end: 0 };
  const clientOp = (p: number, f: string, value: unknown, final = false) => {
    const node = nodes[p % 3]!;
    const client = `c${p + 1}`;
    const lat = (1 + rng.next() * 3) * MS;
    const extra = { node, ...(final ? { final: true } : {}) };
    push({ time: t, type: 'invoke', process: p, f, value, ...extra });
    const id = msgId++;
    msg(client, node, f, t, t, 'delivered', id);
    msg(node, client, `${f}_ok`, t + lat, t + lat, 'delivered', undefined, id);
    // A read returns how many messages it saw (whole sets would make the history quadratic in size).
    push({ time: t + lat, type: 'ok', process: p, f, value: f === 'read' ? v : value, ...extra });
  };
  while (lines.length < messages) {
    t += (2 + rng.next() * 6) * MS;
    if (!partition.start && lines.length > messages * 0.3) {
      partition.start = t;
      push({ time: t, type: 'invoke', process: 'nemesis', f: 'start-partition', value: null });
      push({ time: t + MS, type: 'info', process: 'nemesis', f: 'start-partition', value: 'n3 isolated' });
    } else if (partition.start && !partition.end && lines.length > messages * 0.5) {
      partition.end = t;
      push({ time: t, type: 'invoke', process: 'nemesis', f: 'stop-partition', value: null });
      push({ time: t + MS, type: 'info', process: 'nemesis', f: 'stop-partition', value: 'healed' });
    }
    const p = Math.floor(rng.next() * 6);
    if (rng.next() < 0.25) clientOp(p, 'read', null);
    else clientOp(p, 'broadcast', v++);
    // Gossip: each node to the others; across the partition (n3) it is dropped.
    if (rng.next() < 0.3) {
      for (const a of nodes) for (const b of nodes) {
        if (a === b) continue;
        const cut = partition.start && !partition.end && (a === 'n3' || b === 'n3');
        msg(a, b, 'gossip', t, cut ? t : t + 5 * MS, cut ? 'partitioned' : 'delivered');
      }
    }
  }
  t += 3000 * MS;
  for (let p = 0; p < 6; p++) clientOp(p, 'read', null, true);
  msg('n1', 'n2', 'gossip', t, null, 'in-flight');
  const anomalyIndex = ops.findIndex((o, i) => i > ops.length / 2 && o.type === 'ok' && o.f === 'read');
  const base = { valid: anomaly ? (false as const) : (true as const), results: { broadcast: { valid: anomaly ? (false as const) : (true as const), ...(anomaly ? { anomalies: [{ index: anomalyIndex, message: 'stale read (synthetic)' }] } : {}) } } };
  const results = { ...base, net: netFacts({ ...stats.record(), log: { file: 'net.jsonl', messages: lines.length, truncated: false } }, clientOpCount(ops)), convergence: convergenceOf(ops) };
  writeRunDir(dir, {
    name: 'maelstrom-broadcast', db: 'maelstrom', workload: 'broadcast', nemesis: ['partition'], nodes, concurrency: 6, seed: 11, timeLimitS: 10, rate: 100, dbOptions: {},
    startedAt: '2026-12-05T10:00:00.000Z', versions: {}, kind: 'run',
    windows: [{ name: 'partition', start: ['start-partition'], stop: ['stop-partition'], color: '#f4a261' }],
  }, results, ops);
  writeFileSync(join(dir, 'net.jsonl'), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  return { dir, anomalyIndex, lines: lines.length };
}

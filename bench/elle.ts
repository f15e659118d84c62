// Benchmark of the Elle-style list-append checker: generates histories of 10k, 100k and 1M
// transactions (20 processes, Elle-like generator, serializable simulator), writes them as JSONL,
// then times parse + check in a fresh child process (so peak RSS is the checker's own) and prints
// one JSON line per size: transactions/s, wall and CPU ms (the CPU time is the steadier number on a
// shared machine), peak RSS. With --edn the histories are written as Jepsen's EDN (keywords,
// vectors) and read with the EDN reader instead.
// Usage: npm run bench:elle [-- [--edn] 10000 100000]   (sizes optional)

import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { kw, toEdn } from '../src/edn.js';
import { readHistoryFile } from '../src/history-io.js';
import { checkElle } from '../checkers/elle/check.js';
import { simulateTo } from '../checkers/elle/simulate.js';

async function checkMode(file: string, txns: number): Promise<void> {
  const cpu = (): number => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
  const t0 = performance.now(), c0 = cpu();
  const history = readHistoryFile(file, file.endsWith('.edn') ? 'edn' : 'jsonl');
  const t1 = performance.now(), c1 = cpu();
  const r = checkElle(history, 'list-append', { consistencyModel: 'strict-serializable' });
  const t2 = performance.now(), c2 = cpu();
  const ms = t2 - t0;
  console.log(JSON.stringify({
    txns, valid: r.valid, ms: Math.round(ms), parseMs: Math.round(t1 - t0), checkMs: Math.round(t2 - t1),
    cpuMs: Math.round(c2 - c0), parseCpuMs: Math.round(c1 - c0), checkCpuMs: Math.round(c2 - c1),
    txnsPerSec: Math.round(txns / (ms / 1000)), checkTxnsPerSec: Math.round(txns / ((t2 - t1) / 1000)),
    peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024), edges: r.stats.edges, anomalies: r.anomalyTypes, stats: r.stats,
  }));
}

/** One op as a line of Jepsen's EDN: keywords for type, f and micro-op names. */
function ednLine(op: Record<string, unknown>): string {
  const value = Array.isArray(op.value) ? (op.value as unknown[][]).map((m) => [kw(String(m[0])), m[1], m[2]]) : op.value;
  return toEdn({ index: op.index, time: op.time, type: kw(String(op.type)), process: op.process, f: kw(String(op.f)), value });
}

function generate(file: string, txns: number): void {
  const fd = openSync(file, 'w');
  let buf: string[] = [];
  let size = 0;
  const edn = file.endsWith('.edn');
  simulateTo({ isolation: 'serializable', workload: 'list-append', txns, processes: 20, seed: 42, gen: { keyCount: 10, maxWritesPerKey: 32 } }, (op) => {
    const s = (edn ? ednLine(op as unknown as Record<string, unknown>) : JSON.stringify(op)) + '\n';
    buf.push(s);
    size += s.length;
    if (size > 1 << 22) { writeSync(fd, buf.join('')); buf = []; size = 0; }
  });
  writeSync(fd, buf.join(''));
  closeSync(fd);
}

const edn = process.argv.includes('--edn');
const args = process.argv.slice(2).filter((a) => a !== '--edn');
if (args[0] === 'check') {
  await checkMode(args[1]!, Number(args[2]));
} else {
  const sizes = args.length ? args.map(Number) : [10_000, 100_000, 1_000_000];
  const dir = mkdtempSync(join(tmpdir(), 'faultline-bench-elle-'));
  const self = fileURLToPath(import.meta.url);
  try {
    for (const n of sizes) {
      const file = join(dir, `list-append-${n}.${edn ? 'edn' : 'jsonl'}`);
      const g0 = performance.now();
      generate(file, n);
      const genMs = Math.round(performance.now() - g0);
      const heap = [...(n >= 500_000 ? ['--max-old-space-size=8192'] : []), ...(process.env.ELLE_BENCH_FLAGS ? process.env.ELLE_BENCH_FLAGS.split(' ') : [])];
      const child = spawnSync(process.execPath, [...heap, '--import', 'tsx', self, 'check', file, String(n)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
      if (child.status !== 0) {
        console.log(JSON.stringify({ txns: n, error: `check exited ${child.status}` }));
        continue;
      }
      const line = JSON.parse(child.stdout.trim().split('\n').pop()!) as Record<string, unknown>;
      console.log(JSON.stringify({ ...line, generateMs: genMs }));
      rmSync(file);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

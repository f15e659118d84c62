// Benchmark of checking a huge history end to end through the real CLI: generates a cas-register
// history of independent keys (linearizable by construction: each op takes effect at its
// completion) straight to a temp file, then runs `faultline check --model cas-register --out DIR
// --memory-limit MB FILE` under /usr/bin/time and prints one JSON line: ops, file size, exit code,
// verdict, wall seconds, peak RSS (MiB). The temp files are removed afterwards.
// Usage: npm run bench:big-history [-- --ops 5000000] [--keys 1000] [--processes 50]
//        [--memory-limit 2000] [--time-limit S] [--format jsonl|edn] [--crash-rate 0.01] [--keep]
//        [--file PATH]  (check an existing history instead of generating one)
//        [--generate-only]  (write the history, keep it and print its path)

import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createRng } from '../src/rng.js';

function arg(name: string, dflt?: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : dflt;
}

const ops = Number(arg('--ops', '5000000'));
const keys = Number(arg('--keys', '1000'));
const processes = Number(arg('--processes', '50'));
const crashRate = Number(arg('--crash-rate', '0.01'));
const memoryLimit = arg('--memory-limit', '2000');
const timeLimit = arg('--time-limit');
const format = arg('--format', 'jsonl')!;
const keep = process.argv.includes('--keep');
const given = arg('--file');

/** Writes `ops` history lines (invocations and completions) to `file`; returns the byte size. */
function generate(file: string): number {
  const rng = createRng(42);
  const fd = openSync(file, 'w');
  const regs = new Int32Array(keys).fill(-1); // -1: nil
  const pid = Array.from({ length: processes }, (_, i) => i);
  const pending: Array<{ f: string; key: number; a: number; b: number } | null> = new Array(processes).fill(null);
  let buf = '';
  let time = 0;
  const val = (key: number, v: string): string => (format === 'edn' ? `[${key} ${v}]` : `[${key},${v}]`);
  const line = (i: number, type: string, p: number, f: string, value: string): string =>
    format === 'edn'
      ? `{:index ${i}, :time ${time}, :type :${type}, :process ${p}, :f :${f}, :value ${value}}\n`
      : `{"index":${i},"time":${time},"type":"${type}","process":${p},"f":"${f}","value":${value}}\n`;
  const nil = format === 'edn' ? 'nil' : 'null';
  const reg = (k: number): string => (regs[k]! < 0 ? nil : String(regs[k]));
  for (let i = 0; i < ops; i++) {
    time += 1 + rng.int(20_000);
    const slot = rng.int(processes);
    const op = pending[slot];
    if (!op) {
      // (Ops still open at the end stay open: crashed, as in Jepsen.)
      const r = rng.next();
      const key = rng.int(keys);
      const f = r < 0.5 ? 'read' : r < 0.8 ? 'write' : 'cas';
      const a = rng.int(5), b = rng.int(5);
      pending[slot] = { f, key, a, b };
      buf += line(i, 'invoke', pid[slot]!, f, val(key, f === 'read' ? nil : f === 'write' ? String(a) : format === 'edn' ? `[${a} ${b}]` : `[${a},${b}]`));
    } else {
      pending[slot] = null;
      const crashed = rng.next() < crashRate;
      const applies = !crashed || rng.next() < 0.5;
      let type = 'ok';
      let value: string;
      if (op.f === 'read') value = val(op.key, reg(op.key));
      else if (op.f === 'write') {
        if (applies) regs[op.key] = op.a;
        value = val(op.key, String(op.a));
      } else {
        const ok = regs[op.key] === op.a;
        if (ok && applies) regs[op.key] = op.b;
        if (!ok) type = 'fail';
        value = val(op.key, format === 'edn' ? `[${op.a} ${op.b}]` : `[${op.a},${op.b}]`);
      }
      if (crashed) type = 'info';
      buf += line(i, type, pid[slot]!, op.f, value);
      if (crashed) pid[slot]! += processes; // a crashed client gets a fresh process id
    }
    if (buf.length > 1 << 20) {
      writeSync(fd, buf);
      buf = '';
    }
  }
  writeSync(fd, buf);
  closeSync(fd);
  return statSync(file).size;
}

const dir = mkdtempSync(join(tmpdir(), 'faultline-bench-big-'));
try {
  const file = given ? resolve(given) : join(dir, `history.${format}`);
  const g0 = performance.now();
  const bytes = given ? statSync(file).size : generate(file);
  const generateS = (performance.now() - g0) / 1000;
  if (process.argv.includes('--generate-only')) {
    console.log(JSON.stringify({ file, ops, fileMB: Math.round(bytes / 2 ** 20), generateS: +generateS.toFixed(1) }));
    process.exit(0);
  }
  const bin = resolve(import.meta.dirname, '..', 'bin', 'faultline.js');
  const args = ['check', '--model', 'cas-register', '--out', join(dir, 'out'), ...(memoryLimit ? ['--memory-limit', memoryLimit] : []), ...(timeLimit ? ['--time-limit', timeLimit] : []), file];
  const r = spawnSync('/usr/bin/time', ['-v', process.execPath, bin, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr);
  const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)/.exec(r.stderr);
  const verdict = /^(VALID|INVALID|UNKNOWN)\b.*$/m.exec(r.stdout)?.[0];
  const reason = /^.*(?:limit|heap).*$/im.exec(r.stdout)?.[0];
  console.log(JSON.stringify({
    ops, keys, processes, format, fileMB: Math.round(bytes / 2 ** 20), generateS: +generateS.toFixed(1),
    command: `faultline ${args.join(' ')}`, exitCode: r.status, verdict, reason,
    wallS: wall ? Number(wall[1] ?? 0) * 3600 + Number(wall[2]) * 60 + Number(wall[3]) : undefined,
    peakRssMB: rss ? Math.round(Number(rss[1]) / 1024) : undefined,
    ...(r.status !== 0 && r.status !== 2 ? { stderr: r.stderr.split('\n').filter((l) => !/^\s+\S.*: /.test(l)).slice(0, 20).join('\n') } : {}),
  }));
} finally {
  if (keep) console.log(`kept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}

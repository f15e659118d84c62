// Porcupine's own test histories (../shared/anchors/porcupine): every verdict in expected.tsv,
// etcd logs with the cas-register model, kv logs with the kv model split by key and as one map;
// witness sizes; the Porcupine log readers, including errors that name the line.

import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { sharedPath } from '../../test/shared-data.js';
import { poolCapacity, poolReady } from '../../src/parallel/pool.js';
import { parseHistory, readHistoryFile } from '../../src/history-io.js';
import { checkLinearizable } from './index.js';

const data = sharedPath('anchors/porcupine/expected.tsv');
const DIR = data.path.replace(/expected\.tsv$/, '');
const rows = data.present
  ? readFileSync(DIR + 'expected.tsv', 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t') as [string, string, string, string, string, string])
  : [];

describe.skipIf(!data.present)(`Porcupine expected verdicts${data.skipLabel}`, () => {
  it('has the data', () => expect(rows.length).toBeGreaterThan(100));
  for (const [file, ops, , expected, model] of rows) {
    it(`${file} (${model}) is ${expected}`, () => {
      const history = readHistoryFile(DIR + file);
      expect(history.filter((op) => op.type === 'invoke').length).toBe(Number(ops));
      // With the stale-read pre-pass (the default) and by the search alone: both must agree.
      for (const staleReads of [true, false]) {
        const r = checkLinearizable(history, {
          model: model === 'etcd' ? 'cas-register' : 'kv',
          partition: model !== 'kvNoPart',
          witness: false,
          timeLimitMs: 30_000,
          workers: 0,
          staleReads,
        });
        expect(r.valid, `staleReads: ${staleReads}`).toBe(expected === 'Ok');
        expect(r.stats.threads).toBe(1);
        if (model === 'kv') expect(r.partitions).toBeGreaterThan(1);
        if (model === 'kvNoPart') expect(r.partitions).toBe(1);
      }
    });
  }
  it('etcd_095 is empty: an error naming the file, never a vacuous "linearizable"', () => {
    for (const format of ['porcupine-etcd', 'auto']) {
      expect(() => readHistoryFile(DIR + 'jepsen/etcd_095.log', format)).toThrow(/etcd_095\.log: empty history/);
    }
  });
});

describe.skipIf(!data.present || poolCapacity() === 0)(`Porcupine kv verdicts with worker threads${data.skipLabel}`, () => {
  beforeAll(async () => {
    expect(await poolReady()).toBeGreaterThan(0);
  }, 60_000);
  for (const [file, ops, , expected, model] of rows.filter((r) => r[4] === 'kv')) {
    it(`${file} is ${expected} on ${Number(ops) >= 200 ? 'two threads' : 'one thread (too small to share)'}`, () => {
      // The search itself on both threads (the stale-read pre-pass would decide most bad files alone).
      const r = checkLinearizable(readHistoryFile(DIR + file), { model: 'kv', witness: false, timeLimitMs: 30_000, staleReads: false });
      expect(r.valid).toBe(expected === 'Ok');
      expect(r.stats.threads).toBe(Number(ops) >= 200 ? 2 : 1);
      if (expected === 'Ok') expect(r.partitionsDecided).toBe(r.partitions);
      else if (model === 'kv') expect(r.stats.explored).toBeLessThan(2_000_000);
    });
  }
  it('c50-bad with a witness found on either thread', () => {
    const r = checkLinearizable(readHistoryFile(DIR + 'kv/c50-bad.txt'), { model: 'kv' });
    expect(r.valid).toBe(false);
    expect(r.witness!.key).toBeDefined();
    expect(r.witness!.text).toContain('on key');
  });
});

describe.skipIf(!data.present)(`witnesses of the non-linearizable etcd histories${data.skipLabel}`, () => {
  it('are small, name the failing op, and start from a linearizable prefix', () => {
    const sizes: number[] = [];
    const printed: number[] = [];
    for (const [file, , , expected, model] of rows) {
      if (model !== 'etcd' || expected !== 'Illegal') continue;
      const r = checkLinearizable(readHistoryFile(DIR + file), { model: 'cas-register' });
      const w = r.witness!;
      expect(w).toBeDefined();
      const idx = new Set(w.ops.map((o) => o.index));
      expect(idx.has(w.failing)).toBe(true);
      for (const p of w.prefix) expect(idx.has(p)).toBe(true);
      expect(w.prefix).not.toContain(w.failing);
      expect(w.states.length).toBeGreaterThan(0);
      expect(w.text).toContain('cannot be placed');
      expect(r.anomalies[0]!.index).toBe(w.ops.find((o) => o.index === w.failing)!.completeIndex);
      expect(r.witnessSize).toBe(w.ops.filter((o) => !o.label.endsWith('(relaxed)') && o.type !== 'info').length);
      sizes.push(r.witnessSize!);
      printed.push(w.ops.length);
    }
    expect(sizes.length).toBeGreaterThan(70);
    sizes.sort((a, b) => a - b);
    printed.sort((a, b) => a - b);
    // "At most a dozen operations in most cases": the core, and the printed ops (core + relaxed ops the prefix used).
    expect(sizes[Math.floor(sizes.length * 0.9)]!).toBeLessThanOrEqual(12);
    expect(printed[Math.floor(printed.length * 0.75)]!).toBeLessThanOrEqual(12);
  }, 60_000);

  it('c50-bad: keys are interleaved, the first violation stops the check (key-by-key would not finish)', () => {
    const r = checkLinearizable(readHistoryFile(DIR + 'kv/c50-bad.txt'), { model: 'kv', witness: false });
    expect(r.valid).toBe(false);
    // Step counts are deterministic: the hard keys alone take millions of steps each.
    expect(r.stats.explored).toBeLessThan(500_000);
    expect(r.partitionsDecided).toBeLessThan(r.partitions);
  });

  it('kv: names the key', () => {
    const r = checkLinearizable(readHistoryFile(DIR + 'kv/c10-bad.txt'), { model: 'kv' });
    expect(r.valid).toBe(false);
    expect(r.witness!.key).toBeDefined();
    expect(r.witness!.text).toContain('on key');
  });
});

describe('Porcupine log readers', () => {
  it.skipIf(!data.present)(`sniffs both formats${data.skipLabel}`, () => {
    expect(readHistoryFile(DIR + 'jepsen/etcd_000.log')[0]!.f).toBe('read');
    const kv = readHistoryFile(DIR + 'kv/c01-ok.txt');
    expect(Array.isArray(kv[0]!.value)).toBe(true);
  });
  it('reads :fail :cas as an observation, :fail :read :timed-out and :info as crashes', () => {
    const h = parseHistory(
      [
        'INFO  jepsen.util - 0\t:invoke\t:cas\t[1 2]',
        'INFO  jepsen.util - 0\t:fail\t:cas\t[1 2]',
        'INFO  jepsen.util - 1   :invoke :read   nil',
        'INFO  jepsen.util - 1   :fail   :read   :timed-out',
        'some noise line',
        'INFO  jepsen.util - 2\t:invoke\t:write\t3',
        'INFO  jepsen.util - 2\t:info\t:write\t:timed-out',
      ].join('\n'),
      'x.log',
    );
    expect(h.map((o) => o.type)).toEqual(['invoke', 'fail', 'invoke', 'info', 'invoke', 'info']);
    expect(h[1]!.observed).toBe(true);
    expect(h[0]!.value).toEqual([1, 2]);
  });
  it('a failed cas is an observation in etcd logs', () => {
    // The register is nil; cas(nil→..) is impossible to express, so: write 1, then a cas(1→2)
    // that failed strictly after - only possible if the value was not 1.
    const text = [
      'INFO  jepsen.util - 0\t:invoke\t:write\t1',
      'INFO  jepsen.util - 0\t:ok\t:write\t1',
      'INFO  jepsen.util - 1\t:invoke\t:cas\t[1 2]',
      'INFO  jepsen.util - 1\t:fail\t:cas\t[1 2]',
    ].join('\n');
    expect(checkLinearizable(parseHistory(text, 'a.log'), { model: 'cas-register' }).valid).toBe(false);
  });
  const bad: [string, string, RegExp][] = [
    ['INFO  jepsen.util - 0\t:invoke\t:write\t1\nINFO  jepsen.util - 0\t:ok', 'porcupine-etcd', /t\.log:2/],
    ['INFO  jepsen.util - 0\t:invoke\t:write\t1\nINFO  jepsen.util - 0\t:bogus\t:write\t1', 'porcupine-etcd', /t\.log:2: unknown op type/],
    ['INFO  jepsen.util - 0\t:ok\t:write\t1', 'porcupine-etcd', /t\.log:1: a completion/],
    ['INFO  jepsen.util - 0\t:invoke\t:write\t[1', 'porcupine-etcd', /t\.log:1/],
    ['{:process 0, :type :invoke, :f :get, :key "1", :value nil}\n{:process 0, :type :ok, :f :get, :key "1", :value "x', 'porcupine-kv', /t\.log:2/],
    ['{:process 0, :type :ok, :f :get, :key "1", :value ""}', 'porcupine-kv', /t\.log:1: a completion/],
    ['{:process 0, :type :nope, :f :get, :key "1", :value ""}', 'porcupine-kv', /t\.log:1: unknown op type/],
  ];
  for (const [text, format, re] of bad) {
    it(`rejects malformed ${format} input naming the line (${re.source})`, () => {
      expect(() => parseHistory(text, 't.log', format)).toThrow(re);
      expect(() => parseHistory(text, 't.log', 'auto')).toThrow(re);
    });
  }
});

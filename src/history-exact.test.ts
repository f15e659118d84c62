// Integers beyond 2^53 through the readers and writers: JSONL, EDN (N literals, nested in txn
// micro-ops, maps, vectors), Porcupine logs, history.jsonl/history.edn/results.json written back
// exactly. Before, all of them were rounded to doubles (a false "linearizable", false duplicates).

import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEdn, toEdn } from './edn.js';
import { opToJson, parseHistory, readHistoryFile, writeHistoryEdn, writeHistoryJsonl } from './history-io.js';
import { writeJson } from './store.js';
import { porcupineEtcdFormat } from '../checkers/linearizable/porcupine-format.js';

const dir = mkdtempSync(join(tmpdir(), 'fl-exact-'));
const BIG = 9007199254740993n; // 2^53 + 1: a double cannot hold it

describe('exact integers in histories', () => {
  it('a read of 2^53 after a write of 2^53+1 reaches the checker as two distinct bigints (JSONL and EDN)', () => {
    const jsonl = [
      '{"type":"invoke","process":0,"f":"write","value":9007199254740993}',
      '{"type":"ok","process":0,"f":"write","value":9007199254740993}',
      '{"type":"invoke","process":1,"f":"read","value":null}',
      '{"type":"ok","process":1,"f":"read","value":9007199254740992}',
    ].join('\n');
    const edn = jsonl.replace(/"(\w+)":/g, ':$1 ').replace(/"(write|read|invoke|ok)"/g, ':$1').replace(/null/g, 'nil');
    for (const [name, text] of [['h.jsonl', jsonl], ['h.edn', edn]] as const) {
      const h = parseHistory(text, name);
      expect(h[1]!.value).toBe(9007199254740993n);
      expect(h[3]!.value).toBe(9007199254740992n);
      expect(h[1]!.value).not.toBe(h[3]!.value);
    }
  });

  it('reads EDN N literals and big integers nested in txn micro-ops, maps and vectors; safe ones stay numbers', () => {
    const h = parseHistory(
      `{:type :invoke, :process 0, :f :txn, :value [[:append 18446744073709551616 9007199254740993N] [:r 5 nil]]}\n` +
      `{:type :ok, :process 0, :f :txn, :value [[:append 18446744073709551616 9007199254740993N] [:r 5 [1N 2 -9007199254740993]]], :m {:id 12345678901234567890}}\n`,
      'h.edn',
    );
    expect(h[1]!.value).toEqual([['append', 18446744073709551616n, BIG], ['r', 5, [1, 2, -BIG]]]);
    expect(typeof (h[1]!.value as unknown[][])[1]![1]).toBe('number');
    expect(h[1]!.m).toEqual({ id: 12345678901234567890n });
    expect(parseEdn('{12345678901234567890 :k}')).toEqual({ '12345678901234567890': 'k' });
  });

  it('reads big integers in Porcupine etcd logs', () => {
    const h = parseHistory('INFO  jepsen.util - 0\t:invoke\t:write\t9007199254740993\nINFO  jepsen.util - 0\t:ok\t:write\t9007199254740993\n', 'e.log', porcupineEtcdFormat.name);
    expect(h[1]!.value).toBe(BIG);
  });

  it('writes them back exactly: history.jsonl, history.edn, results.json', () => {
    const h = parseHistory(`{"type":"invoke","process":0,"f":"add","value":[${BIG},"x"],"time":12345678901234567890}\n{"type":"ok","process":0,"f":"add","value":[${BIG},"x"]}\n`, 'in.jsonl');
    expect(h[0]!.time).toBe(12345678901234567000); // times are plotted: a double is enough
    expect(opToJson(h[1]!)).toBe(`{"type":"ok","process":0,"f":"add","value":[${BIG},"x"],"index":1,"time":1}`);
    writeHistoryJsonl(join(dir, 'h.jsonl'), h);
    writeHistoryEdn(join(dir, 'h.edn'), h);
    expect(readHistoryFile(join(dir, 'h.jsonl'))).toEqual(h);
    expect(readHistoryFile(join(dir, 'h.edn'))).toEqual(h);
    expect(readFileSync(join(dir, 'h.edn'), 'utf8')).toContain(`${BIG}N`);
    writeJson(join(dir, 'results.json'), { valid: false, duplicates: [BIG, 18446744073709551615n] });
    expect(readFileSync(join(dir, 'results.json'), 'utf8')).toContain('"duplicates": [\n    9007199254740993,\n    18446744073709551615\n  ]');
    expect(toEdn({ v: -BIG })).toBe('{:v -9007199254740993N}');
  });

  it('keeps the fast path for ordinary files (no digit run of 16)', () => {
    const p = join(dir, 'plain.jsonl');
    writeFileSync(p, '{"type":"invoke","process":0,"f":"read","value":null,"time":123456789012345}\n{"type":"ok","process":0,"f":"read","value":1,"time":123456789012346}\n');
    const h = readHistoryFile(p);
    expect(h.map((o) => o.time)).toEqual([123456789012345, 123456789012346]);
  });
});
